/**
 * test262 expects a fresh realm per test; the corpus runs thousands of tests
 * in one process. Many tests change built-ins (a poisoned
 * `Array.prototype[Symbol.iterator]`, a setter on `Object.prototype`, a
 * deleted `Function.prototype.name`...), so the worker snapshots every
 * intrinsic object reachable from the ECMAScript globals (and the hidden
 * ones: iterator, generator and async function prototypes) and, after each
 * run, puts back their properties and prototypes and removes globals a test
 * added. Non-configurable changes cannot be undone; they are counted.
 *
 * The functions this module uses are captured at load, before any test runs.
 */
const { getOwnPropertyDescriptor, getPrototypeOf, setPrototypeOf } = Object;
const { ownKeys, defineProperty, deleteProperty, apply } = Reflect;
const is = Object.is;
const mapGet = Map.prototype.get;
const mapHas = Map.prototype.has;

const GLOBALS = [
  'Object', 'Function', 'Array', 'Number', 'parseFloat', 'parseInt', 'Infinity', 'NaN', 'undefined', 'Boolean', 'String', 'Symbol', 'Date',
  'Promise', 'RegExp', 'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'globalThis',
  'JSON', 'Math', 'ArrayBuffer', 'Atomics', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array',
  'Float64Array', 'Uint8ClampedArray', 'BigUint64Array', 'BigInt64Array', 'DataView', 'Map', 'BigInt', 'Set', 'WeakMap', 'WeakSet', 'Proxy',
  'Reflect', 'FinalizationRegistry', 'WeakRef', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape',
  'eval', 'isFinite', 'isNaN', 'SharedArrayBuffer',
];

function hiddenIntrinsics(): object[] {
  const proto = (o: object) => getPrototypeOf(o) as object;
  const gen = function* () {};
  const agen = async function* () {};
  const afn = async function () {};
  const arrayIter = proto([][Symbol.iterator]());
  return [
    proto(gen),
    proto(agen),
    proto(afn),
    proto(gen.prototype as object),
    proto(proto(gen.prototype as object)),
    proto(agen.prototype as object),
    proto(proto(agen.prototype as object)),
    arrayIter,
    proto(arrayIter),
    proto(new Map()[Symbol.iterator]()),
    proto(new Set()[Symbol.iterator]()),
    proto(''[Symbol.iterator]()),
    proto(/a/[Symbol.matchAll]('')),
    proto(Int8Array),
    proto(Int8Array.prototype),
    getOwnPropertyDescriptor(Function.prototype, 'caller')?.get ?? Function.prototype,
  ];
}

interface Saved {
  readonly object: object;
  readonly proto: object | null;
  readonly keys: (string | symbol)[];
  readonly descs: Map<string | symbol, PropertyDescriptor>;
}

export interface Snapshot {
  /** Puts the intrinsics back; returns how many changes could not be undone. */
  restore(): number;
}

export function snapshotIntrinsics(): Snapshot {
  const g = globalThis as Record<string, unknown>;
  const saved: Saved[] = [];
  const seen = new Set<object>();
  const queue: object[] = [];
  const enqueue = (v: unknown) => {
    if ((typeof v === 'object' && v !== null) || typeof v === 'function') {
      if (!seen.has(v as object)) {
        seen.add(v as object);
        queue.push(v as object);
      }
    }
  };
  for (const name of GLOBALS) if (name !== 'globalThis') enqueue(g[name]);
  for (const o of hiddenIntrinsics()) enqueue(o);
  seen.add(globalThis);
  while (queue.length > 0) {
    const o = queue.shift()!;
    const keys = ownKeys(o);
    const descs = new Map<string | symbol, PropertyDescriptor>();
    for (const k of keys) {
      const d = getOwnPropertyDescriptor(o, k)!;
      descs.set(k, d);
      enqueue(d.value);
      enqueue(d.get);
      enqueue(d.set);
    }
    const proto = getPrototypeOf(o) as object | null;
    enqueue(proto);
    saved.push({ object: o, proto, keys, descs });
  }
  // The global object: its own properties only (Node's own globals are not walked).
  // Reading a descriptor can add globals: on Node 22 and 24, reading
  // `FormData`'s (a lazy global) loads undici, which defines its dispatcher
  // under a non-configurable `Symbol.for('undici.globalDispatcher.N')`. Taken once,
  // the snapshot would miss it, every restore would count it as a change it
  // cannot undo, and every test would retire its worker (a new process per
  // test: the conformance file ran 20x slower). So read until nothing new appears.
  let gKeys = ownKeys(globalThis);
  const gDescs = new Map<string | symbol, PropertyDescriptor>();
  for (let before = -1; before !== gKeys.length; gKeys = ownKeys(globalThis)) {
    before = gKeys.length;
    for (const k of gKeys) gDescs.set(k, getOwnPropertyDescriptor(globalThis, k)!);
  }
  saved.push({ object: globalThis, proto: getPrototypeOf(globalThis) as object | null, keys: gKeys, descs: gDescs });

  const same = (a: PropertyDescriptor, b: PropertyDescriptor) =>
    is(a.value, b.value) && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;

  return {
    restore(): number {
      let failed = 0;
      for (let i = 0; i < saved.length; i++) {
        const s = saved[i]!;
        const o = s.object;
        try {
          if (getPrototypeOf(o) !== s.proto) {
            try {
              setPrototypeOf(o, s.proto);
            } catch {
              failed++;
            }
          }
          const now = ownKeys(o);
          for (let j = 0; j < now.length; j++) {
            const k = now[j]!;
            if (!apply(mapHas, s.descs, [k]) && !deleteProperty(o, k)) failed++;
          }
          for (let j = 0; j < s.keys.length; j++) {
            const k = s.keys[j]!;
            const want = apply(mapGet, s.descs, [k]) as PropertyDescriptor;
            const have = getOwnPropertyDescriptor(o, k);
            if (have && same(have, want)) continue;
            // A lazily computed global (Node's accessors replace themselves with a value): leave it.
            if (o === globalThis && have && want.get && !have.get) continue;
            if (!defineProperty(o, k, want)) failed++;
          }
        } catch {
          failed++;
        }
      }
      return failed;
    },
  };
}
