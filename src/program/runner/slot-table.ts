import { scaleInliningBudget } from './inlining-budget.js';

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
  scaleInliningBudget();
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
 * (`$r_n.v`, read and written like the variable, through the two closures its
 * scope made). Each variable of each function gets an accessor class of its
 * own, written out in the module's scope (slots.ts), or compiled apart for a
 * patch (installRefs): the accessors' call of `read`/`write` then sees one
 * function (the variable's) and is inlined. One class shared by every
 * variable made that call megamorphic, and object literals with accessors
 * stay in dictionary mode (47x slower). A class has one shape, so the
 * accessor itself inlines. No check in the setter: a `const`'s writer throws
 * by itself (a check there kept the setter from inlining, measured 1.3x).
 */
export const REF_CLASS = "class { constructor(read, write) { this.read = read; this.write = write; } get v() { return this.read(); } set v(value) { this.write(value); } }";
// Taken now: the program may replace the global `Function`.
const compileFunction = Function;

/** A new accessor class, with code (and so type feedback) of its own. */
function refClass(): unknown {
  return (compileFunction(`return ${REF_CLASS}`) as () => unknown)();
}

/** Accessor classes a patch's bodies name that the module's scope lacks: global cells of the same names. */
export function installRefs(cells: readonly string[]): void {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (!Object.prototype.hasOwnProperty.call(globalThis, cell)) setCell(cell, refClass());
  }
}

/**
 * `__baton_home(cls, home, inst, stat)`, the first static block of a class
 * the module evaluates once (slots.ts, superHelpers): registers the class in
 * its cell, and moves its `super` helpers (methods named after their cells,
 * on the prototype and on the class) into global cells. Their properties are
 * gone before any other static element runs, and before anything outside the
 * class can see it. Indexed loops: the program may have replaced array iteration.
 */
export function installHome(cls: Record<string, unknown> & { prototype: Record<string, unknown> }, home: string | null, inst?: readonly string[], stat?: readonly string[]): void {
  if (home !== null) setCell(home, cls);
  const proto = cls.prototype;
  for (let i = 0; inst && i < inst.length; i++) {
    const cell = inst[i]!;
    setCell(cell, proto[cell]);
    delete proto[cell];
  }
  for (let i = 0; stat && i < stat.length; i++) {
    const cell = stat[i]!;
    setCell(cell, cls[cell]);
    delete cls[cell];
  }
}

/**
 * A `super.name` helper for a body a patch brings, when the class was defined
 * without one for that name (the class cannot gain a method reading its
 * `super` after it was defined): the same read, through `Reflect.get` from
 * the class in its cell. Exact, only slower; the next reload makes it native.
 */
export function ensureSuperHelper(helper: { readonly cell: string; readonly home: string; readonly key: string; readonly static: boolean; readonly kind: 'get' | 'call' }): void {
  if (Object.prototype.hasOwnProperty.call(globalThis, helper.cell)) return;
  const { home, key } = helper;
  const start = helper.static
    ? () => Object.getPrototypeOf(readCell(home)) as object
    : () => Object.getPrototypeOf((readCell(home) as { prototype: object }).prototype) as object;
  setCell(
    helper.cell,
    helper.kind === 'call'
      ? function (this: unknown, ...args: unknown[]) {
          return Reflect.apply(Reflect.get(start(), key, this) as (...a: unknown[]) => unknown, this, args);
        }
      : function (this: unknown) {
          return Reflect.get(start(), key, this);
        },
  );
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
