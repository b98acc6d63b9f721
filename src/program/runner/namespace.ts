/**
 * Live namespaces: what `import { x } from './m'` reads through. Importers
 * hold the namespace object, never a copy of a value, so pointing it at a new
 * module instance updates every importer at once (Ginseng's compiler-inserted
 * indirection, done by the module runner).
 */
export type Namespace = Record<string, unknown>;

export function createNamespace(): Namespace {
  const ns = Object.create(null) as Namespace;
  Object.defineProperty(ns, '__esModule', { value: true, enumerable: false });
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module', enumerable: false });
  return ns;
}

/**
 * Makes `ns` expose exactly the exports of `exports`, reusing the instance's
 * own getters. Runs right after the program's code in its realm: indexed
 * loops only, so a program that replaced `Array.prototype[Symbol.iterator]`
 * (or Set) does not break its own loading.
 */
/** Called after a namespace is pointed at a module's exports (see module-graph.ts: CommonJS facades follow their module's namespace). */
const followers = new WeakMap<Namespace, () => void>();

export function followNamespace(ns: Namespace, follow: () => void): void {
  followers.set(ns, follow);
  followers.get(ns)?.();
}

export function pointNamespace(ns: Namespace, exports: Record<string, unknown>): void {
  const names = Object.keys(exports);
  const old = Object.keys(ns);
  for (let i = 0; i < old.length; i++) {
    const key = old[i]!;
    if (!Object.prototype.hasOwnProperty.call(exports, key)) delete ns[key];
  }
  for (let i = 0; i < names.length; i++) {
    const key = names[i]!;
    const desc = Object.getOwnPropertyDescriptor(exports, key);
    if (!desc) continue;
    Object.defineProperty(ns, key, {
      get: desc.get ?? (() => exports[key]),
      enumerable: true,
      configurable: true,
    });
  }
}

export function jsonNamespace(value: unknown): Namespace {
  const ns = createNamespace();
  Object.defineProperty(ns, 'default', { value, enumerable: true });
  return ns;
}
