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
    const timer = (original: Fn, clear: (h: unknown) => void) =>
      function (this: unknown, ...args: unknown[]) {
        const handle = original.apply(this, args);
        if (self.fromStaged()) self.undo.push(() => clear(handle));
        return handle;
      };
    const self = this;
    g['setInterval'] = timer(saved.setInterval, (h) => clearInterval(h as NodeJS.Timeout));
    g['setTimeout'] = timer(saved.setTimeout, (h) => clearTimeout(h as NodeJS.Timeout));
    g['setImmediate'] = timer(saved.setImmediate, (h) => clearImmediate(h as NodeJS.Immediate));
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

  /** Stops watching (the update committed, or finished preparing). */
  stop(): void {
    this.restore?.();
    this.restore = undefined;
  }

  /** The update aborted: stop everything the new version started. */
  discard(): void {
    this.stop();
    for (const u of this.undo.splice(0).reverse()) {
      try {
        u();
      } catch {
        // A handle already gone is what discard wants.
      }
    }
  }
}
