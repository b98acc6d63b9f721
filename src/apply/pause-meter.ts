import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Timing } from './outcome.js';

/**
 * Measures what an update costs the program's event loop. Two views, and the
 * larger counts: a 1 ms timer's lateness over the whole update (everything
 * that blocked the loop: evaluating new modules, checks, walks), and the
 * synchronous stretches baton times itself (the commit, which the timer
 * cannot see when it ends the update).
 */
export class PauseMeter {
  private readonly started = performance.now();
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  private longestStretch = 0;
  private commit = 0;

  constructor() {
    this.histogram.enable();
  }

  /** A synchronous stretch baton timed; `commit` marks the commit's own. */
  stretch(ms: number, commit = false): void {
    this.longestStretch = Math.max(this.longestStretch, ms);
    if (commit) this.commit = ms;
  }

  timing(): Timing {
    this.histogram.disable();
    // The histogram reports lateness in ns, with the 1 ms period already taken out.
    const observed = this.histogram.count > 0 ? this.histogram.max / 1e6 : 0;
    return { pauseMs: Math.max(observed, this.longestStretch), commitMs: this.commit, totalMs: performance.now() - this.started };
  }
}
