/**
 * The transformer file a developer ships with a new version: `baton.update.ts`
 * at the root of the new version's directory, default-exporting
 * `defineUpdate({...})`. Everything that can be carried by name needs no entry.
 *
 * Module ids are paths relative to the version root, with their extension
 * (`'store.ts'`, `'lib/session.ts'`).
 */
export interface UpdateSpec {
  /** Module bindings whose value changes representation: old value -> new value. */
  readonly bindings?: { readonly [moduleId: string]: { readonly [binding: string]: BindingTransformer } };
  /** Class instances whose fields change: old instance -> its fields in the new version. */
  readonly classes?: { readonly [moduleId: string]: { readonly [className: string]: ClassTransformer } };
  /**
   * Top-level statements of the new version to run once, after the commit.
   * Module code runs once: a new or changed top-level statement (a
   * `setInterval`, a `listen`, a call) does not run in an update unless named
   * here. `true` runs every such statement of the module (`baton diff` lists
   * them as "not run"); strings pick the statements whose text contains them.
   */
  readonly run?: { readonly [moduleId: string]: true | readonly string[] };
  /**
   * Top-level bindings that take their new initializer's value at commit
   * instead of keeping their state (a cache to start afresh, a table whose
   * entries changed). Constants whose initializer changed need no entry.
   */
  readonly reinit?: { readonly [moduleId: string]: readonly string[] };
  /** Whole-program hook, for state that fits neither: runs after the others, before commit. */
  readonly program?: (state: ProgramState) => void;
  /** Transformers from this version back to the previous one, used by `baton rollback`. */
  readonly reverse?: Omit<UpdateSpec, 'reverse'>;
}

// The parameter is `any` on purpose: a transformer annotates it with the old
// type (`(old: Old.Entry) => ...`), which a stricter signature would reject.
// `baton check` is what checks it against the old version's types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type BindingTransformer = (old: any) => unknown;

export interface ClassTransformer {
  /**
   * eager (default): every instance is transformed during the update's pause.
   * lazy: each instance is transformed on its first access by the new code,
   * and a background sweep finishes the rest.
   */
  readonly mode?: 'eager' | 'lazy';
  /**
   * The instance's complete set of own fields in the new version. The instance
   * keeps its identity; fields not returned are removed. Must not mutate `old`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly fields: (old: any) => object;
}

/** What the whole-program hook sees: old values in, new values out. */
export interface ProgramState {
  /** A binding's value in the running (old) version. */
  old(moduleId: string, binding: string): unknown;
  /** A binding's value in the new version as it stands (carried, transformed or fresh). */
  get(moduleId: string, binding: string): unknown;
  /** Sets a binding's value in the new version. */
  set(moduleId: string, binding: string, value: unknown): void;
}

export const UPDATE_FILE = 'baton.update.ts';

/** The name baton is published under (`baton` on the registry belongs to another package). */
export const PACKAGE_NAME = 'baton-dsu';

/**
 * Whether an import names baton itself: its package name, or `'baton'`, which
 * update files written before it was published use. Both reach this running
 * baton, also from a version directory outside any project that installs it.
 */
export function isBatonSpecifier(specifier: string): boolean {
  return specifier === PACKAGE_NAME || specifier === 'baton';
}

/** Identity, for the types: `export default defineUpdate({ ... })`. */
export function defineUpdate<const T extends UpdateSpec>(spec: T): T {
  return spec;
}
