/**
 * Live namespaces: what `import { x } from './m'` reads through. Importers
 * hold the namespace object, never a copy of a value, so pointing it at a new
 * module instance updates every importer at once (Ginseng's compiler-inserted
 * indirection, done by the module runner).
 */
export type Namespace = Record<string, unknown>;

/** What each namespace reads through: the exports of the instance it points at now. */
const sources = new WeakMap<Namespace, { exports: Record<string, unknown> }>();

/**
 * A namespace is read on every use of an import (`import_x.name`), so it is
 * kept a fast-mode object, whose getters V8 can inline: `Object.create(null)`
 * starts in dictionary mode, and so does an object whose accessor is
 * redefined (both seen with %HasFastProperties; every namespace was in
 * dictionary mode before). So the prototype is dropped from an ordinary
 * object, and each name's getter is defined once and reads the current
 * exports: pointing the namespace elsewhere swaps them, and only a removed
 * export (a delete) leaves fast mode.
 */
export function createNamespace(): Namespace {
  const ns = Object.setPrototypeOf({}, null) as Namespace;
  sources.set(ns, { exports: {} });
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
  let source = sources.get(ns);
  const ours = source !== undefined;
  if (!source) sources.set(ns, (source = { exports }));
  source.exports = exports;
  const names = Object.keys(exports);
  const old = Object.keys(ns);
  for (let i = 0; i < old.length; i++) {
    const key = old[i]!;
    if (!Object.prototype.hasOwnProperty.call(exports, key)) delete ns[key];
  }
  for (let i = 0; i < names.length; i++) {
    const key = names[i]!;
    if (ours && Object.prototype.hasOwnProperty.call(ns, key)) continue;
    Object.defineProperty(ns, key, { get: exportGetter(key, source), enumerable: true, configurable: true });
  }
}

// Taken now: the program may replace these globals.
const compileFunction = Function;
const stringify = JSON.stringify;
const getterFactories = new Map<string, (source: { exports: Record<string, unknown> }) => () => unknown>();

/**
 * The getter of one export name: code of its own per name, reading the name
 * as a constant. One arrow shared by every name (`() => from.exports[key]`)
 * had one feedback vector for all of them: its keyed load went megamorphic
 * and was never inlined, 15% of the class-heavy micro-benchmark's profile
 * (every `new` of an imported class reads the namespace). A named load with
 * feedback of its own inlines through to the exporting module's binding.
 */
function exportGetter(key: string, source: { exports: Record<string, unknown> }): () => unknown {
  let make = getterFactories.get(key);
  if (!make) {
    make = compileFunction('source', `return function () { return source.exports[${stringify(key)}]; };`) as (source: { exports: Record<string, unknown> }) => () => unknown;
    getterFactories.set(key, make);
  }
  return make(source);
}

export function jsonNamespace(value: unknown): Namespace {
  const ns = createNamespace();
  Object.defineProperty(ns, 'default', { value, enumerable: true });
  return ns;
}
