/**
 * The slots at run time: global property cells holding function bodies.
 *
 * Why global cells: a stub reads its slot as a global variable, and V8 treats
 * a global property cell that has never changed as a constant, so optimized
 * callers inline the body. Replacing a body by delete and re-add gives a new
 * cell (the old cell's dependents deoptimize once and re-learn the new
 * constant); writing the cell in place would mark it mutable for good.
 * Slots kept as fields of one object measured 0.21x on hot loops after the
 * first patch; global cells stay at 1.0x. The cells are non-enumerable, so a
 * program that lists `globalThis` does not see them, and their names
 * (`__baton_s` + a hash) cannot meet a program's own globals.
 */

interface Frames {
  n: number;
}

/** Suspendable bodies count their frames in flight: entered and not yet finished. */
const frameCounters = new WeakMap<object, Frames>();

let booted = false;

/**
 * V8's first delete of a global property costs about 8 ms (it normalizes the
 * global object); paying it once at start keeps it out of the first patch.
 */
function boot(): void {
  if (booted) return;
  booted = true;
  Object.defineProperty(globalThis, '__baton_boot', { value: 0, configurable: true, enumerable: false, writable: false });
  delete (globalThis as Record<string, unknown>)['__baton_boot'];
}

/** Installs (or replaces) the body in a cell. Cannot fail: every cell is configurable. */
export function setCell(name: string, body: unknown): void {
  boot();
  const g = globalThis as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(g, name)) delete g[name];
  Object.defineProperty(g, name, { value: body, configurable: true, enumerable: false, writable: false });
}

/** Removes a cell (undoing an install that never committed). */
export function clearCell(name: string): void {
  delete (globalThis as Record<string, unknown>)[name];
}

export function readCell(name: string): unknown {
  return (globalThis as Record<string, unknown>)[name];
}

/** `__baton_frames(factory)`: a suspendable body with its own frame counter. */
export function withFrames(factory: (counter: Frames) => object): object {
  const counter: Frames = { n: 0 };
  const body = factory(counter);
  frameCounters.set(body, counter);
  return body;
}

/** Frames of a body that have started and not finished (suspended at an await or yield). */
export function framesInFlight(body: unknown): number {
  return typeof body === 'function' ? (frameCounters.get(body)?.n ?? 0) : 0;
}

/**
 * A reassigned variable a closure captures, passed to the closure's body
 * (`$r_n.v`, read and written like the variable). Object literals with
 * accessors cost a runtime call each and leave the object in dictionary
 * mode (measured 47x slower on a counter-closure loop); this class keeps
 * one shape, so reads and writes inline.
 */
export class Ref<T> {
  constructor(
    private readonly read: () => T,
    private readonly write?: (value: T) => void,
  ) {}
  get v(): T {
    return this.read();
  }
  set v(value: T) {
    if (!this.write) throw new TypeError('Assignment to constant variable.');
    this.write(value);
  }
}

const AsyncFunctionPrototype = Object.getPrototypeOf(async function () {}) as object;

/** `__baton_async(stub)`: an async function's stub is a plain function (an async stub measured 0.47x); it keeps the kind's prototype. */
export function markAsync<T extends object>(stub: T): T {
  Object.setPrototypeOf(stub, AsyncFunctionPrototype);
  return stub;
}

/** Where a replaced instance's own scope keeps its bodies (see releaseCells). */
const BODIES = Symbol('baton.bodies');

/** Deletes a released cell once its body is gone, unless the cell was given another value since. */
const releasedCells = new FinalizationRegistry<{ cell: string; trampoline: object }>(({ cell, trampoline }) => {
  if (readCell(cell) === trampoline) clearCell(cell);
});

/**
 * After an applied update replaced (or removed) a module instance: its cells
 * stop holding its bodies. Every body closes over the old module's scope, so
 * a cell holding it kept the whole old instance (its state, compiled text
 * and source map) alive for good: 17 KB per reload of a small module, 1,000
 * updates in a row. The bodies move to `keeper`, an object that scope holds
 * (the instance's `__baton_ext`, captured by the module wrapper's direct
 * eval, so in its context, which every closure the module made reaches
 * through its chain): they live exactly as long as some old closure (a timer,
 * a listener, a stored callback) can still call them. The cell keeps a
 * trampoline with a weak reference, and is deleted once the body is gone.
 */
export function releaseCells(cells: readonly string[], keeper: object): void {
  const kept: unknown[] = [];
  for (const cell of cells) {
    const body = readCell(cell);
    if (typeof body !== 'function') continue;
    kept.push(body);
    const ref = new WeakRef(body as (...args: unknown[]) => unknown);
    const trampoline = function (this: unknown, ...args: unknown[]): unknown {
      return ref.deref()?.apply(this, args);
    };
    setCell(cell, trampoline);
    releasedCells.register(body, { cell, trampoline });
  }
  Object.defineProperty(keeper, BODIES, { value: kept, configurable: true });
}
