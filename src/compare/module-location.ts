/**
 * Whether an initializer reads where its module lives (`import.meta`, which
 * the compiled form reads as `__baton_meta`; `__dirname`, `__filename`): its
 * value is a path or URL of the version's own directory. A hand-off's new
 * process computed it for the new version's directory, so such a binding is
 * left there rather than carried with the old version's path. One rule for
 * the program's check of values (handoff/snapshot.ts, on compiled text) and
 * `baton diff --handoff` (typeplan/handoff-state.ts, on the TypeScript source).
 */
export function readsModuleLocation(init: string): boolean {
  return /(?<![\w$])(import\s*\.\s*meta|__baton_meta|__dirname|__filename)(?![\w$])/.test(init);
}
