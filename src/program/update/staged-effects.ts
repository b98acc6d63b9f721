import { Server } from 'node:net';

type Fn = (...args: unknown[]) => unknown;

/**
 * What the new version's code starts while an update prepares it: timers,
 * intervals, immediates, process listeners and listening servers created from
 * the staged modules' own files (told apart from the running program's by the
 * call's stack, since the program keeps serving meanwhile). An update that
 * aborts stops them all, so nothing of a new version that never committed
 * stays alive. Active only while an update stages new instances.
 */
export class StagedEffects {
  private readonly undo: Array<() => void> = [];
  private restore: (() => void) | undefined;

  constructor(private readonly files: readonly string[]) {}

  private fromStaged(): boolean {
    if (this.files.length === 0) return false;
    const stack = new Error().stack ?? '';
    return this.files.some((f) => stack.includes(f));
  }

  start(): void {
    const g = globalThis as unknown as Record<string, Fn>;
    const saved = {
      setInterval: g['setInterval']!,
      setTimeout: g['setTimeout']!,
      setImmediate: g['setImmediate']!,
      on: process.on,
      addListener: process.addListener,
      once: process.once,
      listen: Server.prototype.listen,
    };
    const timer = (original: Fn, clear: (h: unknown) => void, repeats: boolean) =>
      function (this: unknown, ...args: unknown[]) {
        const staged = self.fromStaged();
        if (staged && typeof args[0] === 'function') args[0] = self.gate(args[0] as Fn, repeats);
        const handle = original.apply(this, args);
        if (staged) self.undo.push(() => clear(handle));
        return handle;
      };
    const self = this;
    g['setInterval'] = timer(saved.setInterval, (h) => clearInterval(h as NodeJS.Timeout), true);
    g['setTimeout'] = timer(saved.setTimeout, (h) => clearTimeout(h as NodeJS.Timeout), false);
    g['setImmediate'] = timer(saved.setImmediate, (h) => clearImmediate(h as NodeJS.Immediate), false);
    const listener = (original: typeof process.on) =>
      function (this: NodeJS.Process, event: string | symbol, fn: (...a: unknown[]) => void) {
        if (self.fromStaged()) self.undo.push(() => process.removeListener(event, fn));
        return original.call(this, event as 'exit', fn);
      } as typeof process.on;
    process.on = listener(saved.on);
    process.addListener = listener(saved.addListener);
    process.once = listener(saved.once);
    // Installed under the listener takeover's own wrapper, so a deferred takeover is never counted.
    const listen = Server.prototype.listen;
    Server.prototype.listen = function (this: Server, ...args: unknown[]) {
      if (self.fromStaged()) self.undo.push(() => this.close());
      return (listen as unknown as Fn).apply(this, args);
    } as typeof Server.prototype.listen;
    this.restore = () => {
      g['setInterval'] = saved.setInterval;
      g['setTimeout'] = saved.setTimeout;
      g['setImmediate'] = saved.setImmediate;
      process.on = saved.on;
      process.addListener = saved.addListener;
      process.once = saved.once;
      Server.prototype.listen = listen;
    };
  }

  /** evaluating: the new modules' top levels run (a top-level await on a timer must settle); waiting: from then to the commit. */
  private phase: 'evaluating' | 'waiting' | 'committed' = 'evaluating';
  /** Calls of the staged modules' one-shot timers that came due while waiting, run once the commit is made. */
  private held: Array<() => void> = [];

  /**
   * Once the new modules have been evaluated, their timer callbacks wait for
   * the commit: before it, what they call (a live module's export that the
   * commit adds) is not there yet. Found by the chaos test: kv v2's new
   * expiry.ts starts a 100 ms interval calling store.ts's new `isExpired`,
   * which fired while a lazy migration's checks were still preparing and
   * killed the process. An interval's tick while waiting is skipped; a
   * timeout or immediate that came due runs after the commit; after an abort
   * neither ever runs. While a top level runs, timers run as usual; between
   * two new modules' top levels (the loop turns there) they wait.
   */
  private gate(fn: Fn, repeats: boolean): Fn {
    const self = this;
    return function (this: unknown, ...args: unknown[]) {
      if (self.phase !== 'waiting') return fn.apply(this, args);
      if (!repeats) self.held.push(() => fn.apply(this, args));
      return undefined;
    };
  }

  /** A new module's top level runs (its timers fire: a top-level await on a timer must settle) or has settled (they wait). */
  running(on: boolean): void {
    if (this.phase !== 'committed') this.phase = on ? 'evaluating' : 'waiting';
  }

  /** The update committed: held timer calls run, each in a macrotask of its own as a timer's would. */
  commit(): void {
    this.stop();
    this.phase = 'committed';
    for (const call of this.held.splice(0)) setImmediate(call);
  }

  /** Stops watching: the new modules have been evaluated (their timers wait for the commit from now on). */
  stop(): void {
    this.restore?.();
    this.restore = undefined;
    if (this.phase === 'evaluating') this.phase = 'waiting';
  }

  /** The update aborted: stop everything the new version started. */
  discard(): void {
    this.stop();
    this.held = [];
    for (const u of this.undo.splice(0).reverse()) {
      try {
        u();
      } catch {
        // A handle already gone is what discard wants.
      }
    }
  }
}
