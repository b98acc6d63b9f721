import { Script } from 'node:vm';
import { BatonError } from '../../protocol/errors.js';

/**
 * Runs synchronous code of a new version or of a transformer under a watchdog
 * that interrupts it: a synchronous infinite loop there would otherwise freeze
 * the program with no way out. Node's `vm` timeout is the one interrupt a
 * process has on its own thread (a watchdog thread terminates the script's
 * execution and Node turns it into an ordinary error, ERR_SCRIPT_EXECUTION_TIMEOUT),
 * and it covers everything the script calls, here the function in `cell`.
 * Measured on Node 20: a loop in a function called this way stops within a
 * few ms of the limit, and the program's later timers and microtasks run.
 * Starting a watchdog costs about 0.35 ms, so callers guard slices of work,
 * not single values. A limit of 0 runs `work` without a watchdog.
 */
const script = new Script('globalThis[Symbol.for("baton.watchdog")]()', { filename: 'baton-watchdog' });
const CELL = Symbol.for('baton.watchdog');

export function guarded<T>(what: string, limitMs: number, work: () => T): T {
  // 0: no watchdog wanted (the caller knows no code of the program's runs).
  if (limitMs === 0) return work();
  const g = globalThis as unknown as Record<symbol, unknown>;
  const saved = g[CELL];
  let result: T;
  Object.defineProperty(g, CELL, { value: () => (result = work()), configurable: true, writable: true, enumerable: false });
  try {
    script.runInThisContext({ timeout: Math.max(1, Math.ceil(limitMs)) });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new BatonError('E_TIMEOUT', `${what} ran synchronously for more than ${Math.ceil(limitMs)} ms and was interrupted (an infinite loop?)`, 'nothing was changed; fix the code, or give a longer --timeout');
    }
    throw error;
  } finally {
    Object.defineProperty(g, CELL, { value: saved, configurable: true, writable: true, enumerable: false });
  }
  return result!;
}

/**
 * Like `guarded`, and also runs the microtasks `work` queues (an async module
 * body continues in microtasks: its synchronous top level runs after its
 * imports are linked) inside the same watchdog. Must be called from a
 * macrotask: a microtask checkpoint does nothing while microtasks run. If the
 * watchdog fires, V8 drops the queued microtasks, which are this work's own
 * (the queue was empty when the macrotask began).
 */
export function guardedTurn(what: string, limitMs: number, work: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      // The runner swaps these for the synchronous part of a module's top level
      // and puts them back in a microtask, which an interrupt drops.
      const g = globalThis as unknown as Record<string, unknown>;
      const saved = { setInterval: g['setInterval'], setTimeout: g['setTimeout'], on: process.on, addListener: process.addListener };
      try {
        guarded(what, limitMs, () => {
          work();
          (process as unknown as { _tickCallback(): void })._tickCallback();
        });
        resolve();
      } catch (error) {
        g['setInterval'] = saved.setInterval;
        g['setTimeout'] = saved.setTimeout;
        process.on = saved.on;
        process.addListener = saved.addListener;
        reject(error);
      }
    });
  });
}
