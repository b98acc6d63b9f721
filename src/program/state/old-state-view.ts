import { BatonError } from '../../protocol/errors.js';

/**
 * What a transformer receives of the old state: a view whose writes are
 * refused. A transformer that modified its input and then threw used to leave
 * the running version's state changed by an update that was reported as
 * aborted; through the view, the first write throws (naming the field) and
 * the old state is untouched at every moment, including while the program
 * keeps serving during prepare. (A journal undone on abort was the other
 * choice: undoing it could overwrite what requests wrote in the meantime.)
 *
 * Plain objects, arrays, Maps, Sets and class instances are viewed; reads
 * return views of what they hold. Methods of an app class run on the real
 * instance (its lowered `#private` state is keyed by it), their results
 * viewed again. Objects with internal slots that a proxy cannot stand in for
 * (Date, RegExp, typed arrays, promises, weak collections) are handed out
 * as they are.
 *
 * A call's views live only for that call: `close` turns any view the result
 * still holds into a transparent one, and `unwrap` replaces the views a
 * result holds by the objects they show, so no view reaches live state.
 */
export class OldStateView {
  private readonly proxies = new Map<object, object>();
  private open = true;

  constructor(private readonly what: string) {}

  /** Runs `transform` on a view of `old`; returns its result with views replaced by the real objects. */
  static call<T>(what: string, transform: (view: unknown) => T, old: unknown): T {
    const view = new OldStateView(what);
    try {
      return view.unwrap(transform(view.wrap(old)));
    } finally {
      view.close();
    }
  }

  wrap<T>(value: T): T {
    if (!this.open || typeof value !== 'object' || value === null || targets.has(value) || !viewable(value)) return value;
    let proxy = this.proxies.get(value);
    if (!proxy) {
      proxy = new Proxy(value, this.handler(value));
      targets.set(proxy, value);
      this.proxies.set(value, proxy);
    }
    return proxy as T;
  }

  /** Ends the call: views it handed out pass everything through from now on. */
  close(): void {
    this.open = false;
    this.proxies.clear();
  }

  /**
   * Replaces views inside what a transformer built (its result, the new
   * objects in it) by the objects they show. Stops at views and at objects
   * it has seen, so it walks only the new structure.
   */
  unwrap<T>(value: T): T {
    return unwrapDeep(value);
  }

  private refuse(what: string): never {
    throw new BatonError('E_PREPARE', `${this.what} wrote to the old state (${what}); transformers must leave their input unchanged`, 'build the new value from the old one without modifying it; nothing was changed');
  }

  private handler(target: object): ProxyHandler<object> {
    const self = this;
    const collection = target instanceof Map ? 'Map' : target instanceof Set ? 'Set' : undefined;
    const plain = Array.isArray(target) || isPlainPrototype(Object.getPrototypeOf(target) as object | null);
    return {
      get(t, key) {
        if (!self.open) return Reflect.get(t, key, t);
        if (collection) return self.collectionMember(t as Map<unknown, unknown> | Set<unknown>, key, collection);
        const own = Reflect.getOwnPropertyDescriptor(t, key);
        const value = Reflect.get(t, key, t);
        // A proxy must return a non-configurable, non-writable property as it is.
        if (own && own.configurable === false && own.writable === false) return value;
        if (typeof value === 'function') {
          // Array and Object methods are generic: called on the view, they read through it.
          if (plain || key === 'constructor') return value;
          return (...args: unknown[]) => self.wrap((value as (...a: unknown[]) => unknown).apply(t, args.map(unwrapOne)));
        }
        return self.wrap(value);
      },
      getOwnPropertyDescriptor(t, key) {
        const d = Reflect.getOwnPropertyDescriptor(t, key);
        if (!self.open || !d || !('value' in d) || (d.configurable === false && d.writable === false)) return d;
        return { ...d, value: self.wrap(d.value) };
      },
      set(t, key, value) {
        if (self.open) self.refuse(`field '${String(key)}'`);
        return Reflect.set(t, key, value);
      },
      defineProperty(t, key, d) {
        if (self.open) self.refuse(`field '${String(key)}'`);
        return Reflect.defineProperty(t, key, d);
      },
      deleteProperty(t, key) {
        if (self.open) self.refuse(`deleting '${String(key)}'`);
        return Reflect.deleteProperty(t, key);
      },
      setPrototypeOf(t, proto) {
        if (self.open) self.refuse('its prototype');
        return Reflect.setPrototypeOf(t, proto);
      },
      preventExtensions(t) {
        if (self.open) self.refuse('preventExtensions');
        return Reflect.preventExtensions(t);
      },
    };
  }

  /** Maps and Sets keep their entries in internal slots: their members are re-made on the real object. */
  private collectionMember(t: Map<unknown, unknown> | Set<unknown>, key: PropertyKey, kind: 'Map' | 'Set'): unknown {
    const w = <V>(v: V) => this.wrap(v);
    const viewed = function* (it: Iterable<unknown>, pairs: boolean) {
      for (const v of it) yield pairs ? (v as unknown[]).map(w) : w(v);
    };
    switch (key) {
      case 'size':
        return t.size;
      case 'get':
        return (k: unknown) => w((t as Map<unknown, unknown>).get(unwrapOne(k)));
      case 'has':
        return (k: unknown) => t.has(unwrapOne(k));
      case 'forEach':
        return (cb: (v: unknown, k: unknown, c: unknown) => void, thisArg?: unknown) => t.forEach((v: unknown, k: unknown) => cb.call(thisArg, w(v), w(k), this.proxies.get(t)));
      case 'keys':
        return () => viewed(t.keys(), false);
      case 'values':
        return () => viewed(t.values(), false);
      case 'entries':
        return () => viewed(t.entries(), true);
      case Symbol.iterator:
        return () => viewed(t[Symbol.iterator](), kind === 'Map');
      case 'set':
      case 'add':
      case 'delete':
      case 'clear':
        return () => this.refuse(`${kind}.${key}`);
      default: {
        const value = Reflect.get(t, key, t);
        return typeof value === 'function' ? (...args: unknown[]) => w((value as (...a: unknown[]) => unknown).apply(t, args.map(unwrapOne))) : w(value);
      }
    }
  }
}

/** Every view made, to the object it shows (weakly: a view nothing holds is garbage). */
const targets = new WeakMap<object, object>();

function unwrapOne<T>(value: T): T {
  return (typeof value === 'object' && value !== null ? (targets.get(value) as T | undefined) : undefined) ?? value;
}

function isPlainPrototype(proto: object | null): boolean {
  return proto === null || proto === Object.prototype;
}

/** Objects whose behaviour lives in internal slots a proxy does not forward. */
function viewable(value: object): boolean {
  return !(
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Promise ||
    value instanceof WeakMap ||
    value instanceof WeakSet ||
    value instanceof WeakRef ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer)
  );
}

function unwrapDeep<T>(value: T): T {
  const top = unwrapOne(value);
  if (typeof top !== 'object' || top === null || top !== value) return top;
  const seen = new Set<object>();
  const stack: object[] = [top];
  const fix = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const t = targets.get(v);
    if (t) return t;
    if (!seen.has(v) && viewable(v)) stack.push(v);
    return v;
  };
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    if (o instanceof Map) {
      const keys = [...o.keys()];
      const entries = [...o].map(([k, v]) => [fix(k), fix(v)] as const);
      if (entries.some(([k], i) => k !== keys[i])) {
        o.clear();
        for (const [k, v] of entries) o.set(k, v);
      } else for (const [k, v] of entries) if (o.get(k) !== v) o.set(k, v);
    } else if (o instanceof Set) {
      const items = [...o].map(fix);
      if (items.some((v) => !o.has(v))) {
        o.clear();
        for (const v of items) o.add(v);
      }
    } else {
      for (const key of Reflect.ownKeys(o)) {
        const d = Reflect.getOwnPropertyDescriptor(o, key);
        if (!d || !('value' in d)) continue;
        const fixed = fix(d.value);
        if (fixed !== d.value && d.writable) (o as Record<PropertyKey, unknown>)[key] = fixed;
      }
    }
  }
  return top;
}
