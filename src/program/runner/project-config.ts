import { dirname } from 'node:path';
import { createPathsMatcher, getTsconfig, type TsConfigJsonResolved } from 'get-tsconfig';

/**
 * The nearest tsconfig.json of a source file (with `extends` followed), read
 * by get-tsconfig, the parser tsx uses: what the compiler options and the
 * `paths` aliases of a file are.
 */
interface ProjectConfig {
  readonly options: TsConfigJsonResolved['compilerOptions'];
  readonly paths: ((specifier: string) => string[]) | undefined;
}

const byDir = new Map<string, ProjectConfig>();
const NONE: ProjectConfig = { options: undefined, paths: undefined };

export function projectConfigOf(file: string): ProjectConfig {
  const dir = dirname(file);
  let config = byDir.get(dir);
  if (!config) {
    const found = getTsconfig(dir);
    config = found ? { options: found.config.compilerOptions, paths: createPathsMatcher(found) ?? undefined } : NONE;
    byDir.set(dir, config);
  }
  return config;
}

/**
 * The options esbuild honours from a tsconfig, as tsx passes them: legacy
 * decorators, JSX settings and class-field semantics. `useDefineForClassFields`
 * defaults to true as for modern targets; `verbatimModuleSyntax` stays off so
 * imports used only as types are dropped, as tsc does for them.
 */
export function esbuildCompilerOptions(file: string): Record<string, unknown> {
  const o = projectConfigOf(file).options ?? {};
  const picked: Record<string, unknown> = { verbatimModuleSyntax: false };
  // With a `target` and no explicit setting, esbuild derives the default from the target, as tsc and tsx do.
  if (o.useDefineForClassFields === undefined && o.target === undefined) picked['useDefineForClassFields'] = true;
  for (const key of ['useDefineForClassFields', 'target', 'experimentalDecorators', 'jsx', 'jsxFactory', 'jsxFragmentFactory', 'jsxImportSource'] as const) {
    if (o[key] !== undefined) picked[key] = o[key];
  }
  return picked;
}
