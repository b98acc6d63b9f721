import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Timing } from '../../protocol/outcome.js';
import { yieldToLoop } from '../runner/yield-to-loop.js';

/**
 * Measures what an update costs the program's event loop. Two views, and the
 * larger counts: a 1 ms timer's lateness over the whole update (everything
 * that blocked the loop: evaluating new modules, checks, walks), and the
 * synchronous stretches baton times itself. The timer sees a block only when
 * it fires after it: the stretch that ends the update (commit, report) is
 * over before the timer can fire again, so it is timed from the last `turn()`.
 */
const RESOLUTION_MS = 1;

export class PauseMeter {
  private readonly started = performance.now();
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private longestStretch = 0;
  private commit = 0;
  /** When the event loop last turned at a `turn()`: the stretch since is timed at the next turn or at timing(). */
  private turnedAt: number | undefined;

  constructor() {
    this.histogram.enable();
  }

  /** A synchronous stretch baton timed; `commit` marks the commit's own. */
  stretch(ms: number, commit = false): void {
    this.longestStretch = Math.max(this.longestStretch, ms);
    if (commit) this.commit = ms;
  }

  /**
   * Lets the event loop turn, and times the stretch from here to the next
   * turn or to timing(). What runs in between must not wait for I/O: a wait
   * would be counted as a block (an overestimate, never an underestimate).
   */
  async turn(): Promise<void> {
    this.closeStretch();
    await yieldToLoop();
    this.turnedAt = performance.now();
  }

  /**
   * Waits for I/O without counting the wait: the stretch so far closes, and
   * the next one starts when `io` settles (the loop ran meanwhile).
   */
  async wait<T>(io: Promise<T>): Promise<T> {
    this.closeStretch();
    try {
      return await io;
    } finally {
      this.turnedAt = performance.now();
    }
  }

  timing(): Timing {
    this.closeStretch();
    this.histogram.disable();
    // The histogram reports, in ns, how long each 1 ms timer period really took (measured here: an idle
    // loop reads 1.03 to 1.4 ms, a 20 ms block 21.2 ms): the period itself is taken out.
    const observed = this.histogram.count > 0 ? Math.max(0, this.histogram.max / 1e6 - RESOLUTION_MS) : 0;
    return { pauseMs: Math.max(observed, this.longestStretch), commitMs: this.commit, totalMs: performance.now() - this.started };
  }

  private closeStretch(): void {
    if (this.turnedAt !== undefined) this.stretch(performance.now() - this.turnedAt);
    this.turnedAt = undefined;
  }
}
