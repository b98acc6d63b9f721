/**
 * Whether an initializer reads where its module lives (`import.meta`, which
 * the compiled form reads as `__baton_meta`; `__dirname`, `__filename`): its
 * value is a path or URL of the version's own directory. A hand-off's new
 * process computed it for the new version's directory, so such a binding is
 * left there rather than carried with the old version's path. One rule for
 * the program's check of values (handoff/snapshot.ts, on compiled text) and
 * `baton diff --handoff` (typeplan/handoff-state.ts, on the TypeScript source).
 */
function readsModuleLocation(init: string): boolean {
  return /(?<![\w$])(import\s*\.\s*meta|__baton_meta|__dirname|__filename)(?![\w$])/.test(init);
}

/**
 * A module's top-level bindings computed from its location, in declaration
 * order: those whose initializer reads it, and those whose initializer names
 * a binding selected before them (`const VIEWS = join(__dirname, 'views')`).
 * An update to another directory computes them again at commit
 * (program/update/relocate.ts, on the compiled text); `baton diff` lists
 * them (typeplan/plan-update.ts, on the TypeScript source).
 */
export function locationDerived<B extends { readonly name: string; readonly kind: string; readonly init: string }>(bindings: readonly B[]): B[] {
  const out: B[] = [];
  for (const b of bindings) {
    if (b.kind === 'function' || b.kind === 'class' || b.init === '') continue;
    if (readsModuleLocation(b.init) || out.some((o) => new RegExp(`(?<![\\w$.])${o.name.replaceAll('$', '\\$')}(?![\\w$])`).test(b.init))) out.push(b);
  }
  return out;
}
