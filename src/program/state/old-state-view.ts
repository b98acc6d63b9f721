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
 * A call's views live only for that call: `unwrap` replaces the views a
 * result holds by the objects they show, and a view left anywhere after the
 * call passes everything through, so no read-only object reaches live state.
 * One view object serves many calls (a class transformer runs once per
 * instance): one handler for all its proxies, maps cleared after each call.
 * Measured on a loaded 2-core machine, a class transformer through the view
 * costs a few microseconds per instance more than without.
 */
export class OldStateView {
  /** This call's views: object shown -> view, and view -> object shown. Cleared when the call ends. */
  private readonly proxies = new Map<object, object>();
  private readonly targets = new Map<object, object>();
  /**
   * The call's input and its view, outside the maps: a class transformer
   * usually reads only its instance's own fields, and putting each instance
   * in a Map (which gives it an identity hash) cost more than the rest.
   */
  private rootTarget: object | undefined;
  private rootProxy: object | undefined;
  private readonly handler: ProxyHandler<object>;
  private depth = 0;
  /**
   * Whether the call read anything but its input's own fields (a nested
   * object, a method, a Date): an eager class migration keeps a result
   * computed in prepare only if it depends on nothing but those fields.
   */
  readPastInput = false;

  constructor(private readonly what: string) {
    this.handler = makeHandler(this);
  }

  /** Runs `transform` on a view of `old`, once; see `run`. */
  static call<T>(what: string, transform: (view: unknown) => T, old: unknown): T {
    return new OldStateView(what).run(transform, old);
  }

  /** Runs `transform` on a view of `old`; returns its result with views replaced by the real objects. */
  run<T>(transform: (view: unknown) => T, old: unknown): T {
    this.open();
    try {
      return this.unwrap(transform(this.wrap(old)));
    } finally {
      this.close();
    }
  }

  /** Starts a call (the program hook's spans several reads); calls nest. */
  open(): void {
    if (this.depth++ === 0) this.readPastInput = false;
  }

  /** Ends the call: the views it handed out pass everything through from now on. */
  close(): void {
    if (--this.depth > 0) return;
    this.depth = 0;
    this.rootTarget = this.rootProxy = undefined;
    if (this.proxies.size > 0) {
      this.proxies.clear();
      this.targets.clear();
    }
  }

  /** Whether `target` is shown by a view of the call under way (else its view, if any, is transparent). */
  guards(target: object): boolean {
    return target === this.rootTarget || (this.proxies.size > 0 && this.proxies.has(target));
  }

  /**
   * A guarded read of `target[key]` that returned `value`: notes a read past
   * the input's own data fields (an inherited getter runs code; a Date can
   * change inside).
   */
  noteRead(target: object, key: PropertyKey, value: unknown): void {
    if (this.readPastInput) return;
    if (target !== this.rootTarget || !Object.prototype.hasOwnProperty.call(target, key) || typeof value === 'function' || (typeof value === 'object' && value !== null && !viewable(value))) this.readPastInput = true;
  }

  wrap<T>(value: T): T {
    if (this.depth === 0 || typeof value !== 'object' || value === null) return value;
    if (value === this.rootTarget) return this.rootProxy as T;
    if (value === this.rootProxy || this.targets.has(value) || !viewable(value)) return value;
    if (this.rootTarget === undefined) {
      this.rootTarget = value;
      this.rootProxy = new Proxy(value, this.handler);
      return this.rootProxy as T;
    }
    let proxy = this.proxies.get(value);
    if (!proxy) {
      proxy = new Proxy(value, this.handler);
      this.targets.set(proxy, value);
      this.proxies.set(value, proxy);
    }
    return proxy as T;
  }

  unwrapOne<T>(value: T): T {
    if (typeof value !== 'object' || value === null) return value;
    if (value === this.rootProxy) return this.rootTarget as T;
    return (this.targets.get(value) as T | undefined) ?? value;
  }

  /**
   * Replaces views inside what a transformer built (its result, the new
   * objects in it) by the objects they show. Stops at views and at objects
   * it has seen, so it walks only the new structure.
   */
  unwrap<T>(value: T): T {
    const top = this.unwrapOne(value);
    if (typeof top !== 'object' || top === null || top !== value) return top;
    if (this.proxies.size === 0) {
      // Only the input was viewed: look for it among the result's own fields (a new object nested
      // deeper that holds it keeps a view, transparent once the call is over).
      if (this.rootProxy !== undefined && !(top instanceof Map) && !(top instanceof Set)) {
        const o = top as Record<string, unknown>;
        for (const key of Object.keys(o)) if (o[key] === this.rootProxy) o[key] = this.rootTarget;
      }
      return top;
    }
    const seen = new Set<object>();
    const stack: object[] = [top];
    const fix = (v: unknown): unknown => {
      if (typeof v !== 'object' || v === null) return v;
      const t = this.unwrapOne(v);
      if (t !== v) return t;
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
        const r = o as Record<string, unknown>;
        for (const key of Object.keys(r)) {
          const v = r[key];
          const fixed = fix(v);
          if (fixed !== v) r[key] = fixed;
        }
      }
    }
    return top;
  }

  refuse(what: string): never {
    throw new BatonError('E_PREPARE', `${this.what} wrote to the old state (${what}); transformers must leave their input unchanged`, 'build the new value from the old one without modifying it; nothing was changed');
  }

  /** Maps and Sets keep their entries in internal slots: their members are re-made on the real object. */
  collectionMember(t: Map<unknown, unknown> | Set<unknown>, key: PropertyKey): unknown {
    const kind = t instanceof Map ? 'Map' : 'Set';
    const w = <V>(v: V) => this.wrap(v);
    const u = <V>(v: V) => this.unwrapOne(v);
    const viewed = function* (it: Iterable<unknown>, pairs: boolean) {
      for (const v of it) yield pairs ? (v as unknown[]).map(w) : w(v);
    };
    switch (key) {
      case 'size':
        return t.size;
      case 'get':
        return (k: unknown) => w((t as Map<unknown, unknown>).get(u(k)));
      case 'has':
        return (k: unknown) => t.has(u(k));
      case 'forEach':
        return (cb: (v: unknown, k: unknown, c: unknown) => void, thisArg?: unknown) => t.forEach((v: unknown, k: unknown) => cb.call(thisArg, w(v), w(k), w(t)));
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
        return typeof value === 'function' ? (...args: unknown[]) => w((value as (...a: unknown[]) => unknown).apply(t, args.map(u))) : w(value);
      }
    }
  }
}

/** One handler for every view of `view`: a trap on an object no call under way shows passes through. */
function makeHandler(view: OldStateView): ProxyHandler<object> {
  return {
    get(t, key) {
      if (!view.guards(t)) return Reflect.get(t, key, t);
      if (t instanceof Map || t instanceof Set) {
        view.readPastInput = true;
        return view.collectionMember(t, key);
      }
      const value = Reflect.get(t, key, t);
      view.noteRead(t, key, value);
      if (typeof value !== 'object' && typeof value !== 'function') return value;
      if (value === null) return value;
      if (typeof value === 'function') {
        // Array and Object methods are generic: called on the view, they read through it.
        if (key === 'constructor' || Array.isArray(t) || isPlainPrototype(Object.getPrototypeOf(t) as object | null)) return value;
        return (...args: unknown[]) => view.wrap((value as (...a: unknown[]) => unknown).apply(t, args.map((a) => view.unwrapOne(a))));
      }
      // A proxy must return a non-configurable, non-writable property as it is.
      const own = Reflect.getOwnPropertyDescriptor(t, key);
      if (own && own.configurable === false && own.writable === false) return value;
      return view.wrap(value);
    },
    getOwnPropertyDescriptor(t, key) {
      const d = Reflect.getOwnPropertyDescriptor(t, key);
      if (view.guards(t)) view.noteRead(t, key, d && !('value' in d) ? d.get : d?.value);
      if (!view.guards(t) || !d || !('value' in d) || (d.configurable === false && d.writable === false)) return d;
      return { ...d, value: view.wrap(d.value) };
    },
    set(t, key, value) {
      if (view.guards(t)) view.refuse(`field '${String(key)}'`);
      return Reflect.set(t, key, value);
    },
    defineProperty(t, key, d) {
      if (view.guards(t)) view.refuse(`field '${String(key)}'`);
      return Reflect.defineProperty(t, key, d);
    },
    deleteProperty(t, key) {
      if (view.guards(t)) view.refuse(`deleting '${String(key)}'`);
      return Reflect.deleteProperty(t, key);
    },
    setPrototypeOf(t, proto) {
      if (view.guards(t)) view.refuse('its prototype');
      return Reflect.setPrototypeOf(t, proto);
    },
    preventExtensions(t) {
      if (view.guards(t)) view.refuse('preventExtensions');
      return Reflect.preventExtensions(t);
    },
  };
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
