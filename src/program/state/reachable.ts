/**
 * Walks the program's state from module bindings: plain objects, arrays,
 * Maps, Sets and instances of the app's own classes. Node's objects (sockets,
 * streams) and functions are not entered: state is data. Resumable, so the
 * lazy sweep can run it in slices between event-loop turns.
 */
export class ReachableWalk {
  // A strong set, not a WeakSet: it lives only as long as one walk, and is
  // several times faster over a million objects. With `revisitLeaves`, an
  // object holding no object (a leaf: no cycle can pass through it) is not
  // added: a Set grows by rehashing all of its entries in one synchronous
  // call, measured 424 ms at 1M entries (250 ms at 512k) on this machine,
  // which was the whole pause of a lazy migration of 1M instances.
  private readonly seen = new Set<object>();
  /** Large containers (arrays, Maps, Sets, the roots), walked lazily. */
  private readonly iterators: Array<Iterator<unknown>> = [];
  /** Field values of objects already visited, still to look at. */
  private readonly pending: unknown[] = [];

  constructor(
    roots: Iterable<unknown>,
    /** Prototypes of the app's classes: their instances are entered too. */
    private readonly appPrototypes: ReadonlySet<object>,
    /**
     * Whether a leaf may be visited once per path that reaches it rather than
     * once: only for visitors that do nothing the second time (a check, a
     * migration), never for ones that collect.
     */
    private readonly revisitLeaves = false,
  ) {
    this.iterators.push(roots[Symbol.iterator]());
  }

  /**
   * Looks at up to `limit` values (objects visited, and the primitives and
   * objects already seen that are skipped: a Map's million number keys must
   * not make one step long); false once everything reachable has been visited.
   */
  step(visit: (value: object) => void, limit = Infinity): boolean {
    let count = 0;
    for (;;) {
      if (count++ >= limit) return true;
      let value: unknown;
      if (this.pending.length > 0) value = this.pending.pop();
      else {
        const top = this.iterators[this.iterators.length - 1];
        if (top === undefined) return false;
        const next = top.next();
        if (next.done) {
          this.iterators.pop();
          continue;
        }
        value = next.value;
      }
      if (typeof value !== 'object' || value === null || this.seen.has(value)) continue;
      const entered = this.enter(value);
      if (entered === 'no') continue;
      if (entered === 'holds' || !this.revisitLeaves) this.seen.add(value);
      visit(value);
    }
  }

  /**
   * Queues what `value` holds: 'no' for what the walk does not enter (Node's
   * objects, functions), 'leaf' for an object that holds no object.
   */
  private enter(value: object): 'no' | 'leaf' | 'holds' {
    if (Array.isArray(value)) this.iterators.push(value[Symbol.iterator]());
    else if (value instanceof Map) this.iterators.push(value.keys(), value.values());
    else if (value instanceof Set) this.iterators.push(value.values());
    else {
      const proto = Object.getPrototypeOf(value) as object | null;
      if (proto !== Object.prototype && proto !== null && !this.isAppInstance(proto)) return 'no';
      const before = this.pending.length;
      for (const key of Object.keys(value)) {
        const field = (value as Record<string, unknown>)[key];
        if (typeof field === 'object' && field !== null) this.pending.push(field);
      }
      return this.pending.length > before ? 'holds' : 'leaf';
    }
    return 'holds';
  }

  private isAppInstance(proto: object): boolean {
    for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
      if (this.appPrototypes.has(p)) return true;
    }
    return false;
  }
}

/** What the walk needs of a module instance: its top-level bindings. */
interface HasBindings {
  readonly bindings: Record<string, readonly [() => unknown, (value: unknown) => void]>;
}

/**
 * A walk over the program's state: roots are the values of `roots`' bindings;
 * classes bound in `roots` or `classSources` count as the app's classes.
 */
export function stateWalk(roots: Iterable<HasBindings>, classSources: Iterable<HasBindings> = [], revisitLeaves = false): ReachableWalk {
  const values: unknown[] = [];
  const prototypes = new Set<object>();
  const classOf = (value: unknown) => typeof value === 'function' && (value as { prototype?: unknown }).prototype;
  for (const instance of roots) {
    for (const [get] of Object.values(instance.bindings)) {
      const value = get();
      if (classOf(value)) prototypes.add((value as { prototype: object }).prototype);
      else values.push(value);
    }
  }
  for (const instance of classSources) {
    for (const [get] of Object.values(instance.bindings)) {
      const value = get();
      if (classOf(value)) prototypes.add((value as { prototype: object }).prototype);
    }
  }
  return new ReachableWalk(values, prototypes, revisitLeaves);
}
