/**
 * A module resolve hook (registered by `use-typescript.ts`, runs on Node's
 * hooks thread): the checker's own `import ts from 'typescript'` resolves to
 * the project's compiler instead of the one baton ships. Only imports made
 * from this folder are redirected; nothing else in the process changes.
 */
let target: string | undefined;
let folder: string | undefined;

export function initialize(data: { readonly url: string; readonly folder: string }): void {
  target = data.url;
  folder = data.folder;
}

interface ResolveContext {
  readonly parentURL?: string | undefined;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'typescript' && target && folder && context.parentURL?.startsWith(folder)) return { url: target, shortCircuit: true };
  return next(specifier, context);
}
