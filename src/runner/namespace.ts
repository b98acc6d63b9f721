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

/** Makes `ns` expose exactly the exports of `exports`, reusing the instance's own getters. */
export function pointNamespace(ns: Namespace, exports: Record<string, unknown>): void {
  const names = new Set(Object.keys(exports));
  for (const key of Object.keys(ns)) if (!names.has(key)) delete ns[key];
  for (const key of names) {
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
