/**
 * Walks the program's state from module bindings: plain objects, arrays,
 * Maps, Sets and instances of the app's own classes. Node's objects (sockets,
 * streams) and functions are not entered: state is data. Resumable, so the
 * lazy sweep can run it in slices between event-loop turns.
 */
export class ReachableWalk {
  private readonly seen = new WeakSet<object>();
  private readonly stack: Array<Iterator<unknown>> = [];

  constructor(
    roots: Iterable<unknown>,
    /** Prototypes of the app's classes: their instances are entered too. */
    private readonly appPrototypes: ReadonlySet<object>,
  ) {
    this.stack.push(roots[Symbol.iterator]());
  }

  /** Visits up to `limit` objects; false once everything reachable has been visited. */
  step(visit: (value: object) => void, limit = Infinity): boolean {
    let count = 0;
    while (this.stack.length > 0) {
      const top = this.stack[this.stack.length - 1]!;
      const next = top.next();
      if (next.done) {
        this.stack.pop();
        continue;
      }
      const value = next.value;
      if (typeof value !== 'object' || value === null || this.seen.has(value)) continue;
      this.seen.add(value);
      const children = this.childrenOf(value);
      if (children === undefined) continue;
      visit(value);
      this.stack.push(children);
      if (++count >= limit) return this.stack.length > 0;
    }
    return false;
  }

  private childrenOf(value: object): Iterator<unknown> | undefined {
    if (Array.isArray(value)) return value[Symbol.iterator]();
    if (value instanceof Map) return mapChildren(value);
    if (value instanceof Set) return value.values();
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === Object.prototype || proto === null || this.isAppInstance(proto)) return Object.values(value)[Symbol.iterator]();
    return undefined;
  }

  private isAppInstance(proto: object): boolean {
    for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
      if (this.appPrototypes.has(p)) return true;
    }
    return false;
  }
}

function* mapChildren(map: Map<unknown, unknown>): Generator<unknown> {
  for (const [key, value] of map) {
    if (typeof key === 'object' && key !== null) yield key;
    yield value;
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
export function stateWalk(roots: Iterable<HasBindings>, classSources: Iterable<HasBindings> = []): ReachableWalk {
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
  return new ReachableWalk(values, prototypes);
}
