import { BatonError } from '../../protocol/errors.js';
import type { UpdatePhase } from '../../protocol/messages.js';

/**
 * No update may hold the program longer than this, whatever `--timeout` says:
 * past it the update is aborted and the program takes the next one.
 */
export const HARD_CEILING_MS = 120_000;

/**
 * The compile phase is baton's own work (reading the files, esbuild on a
 * worker thread): how long it takes depends on the machine's load, not on the
 * user's code, so it is not held to a `--timeout` meant for top-level awaits,
 * transformers and frames in flight. Files that could block a read forever
 * (a FIFO) are refused before it starts.
 */
const COMPILE_FLOOR_MS = 60_000;

/**
 * The deadlines of one update: each phase may take `--timeout` ms, the whole
 * update at most HARD_CEILING_MS. A phase that overruns aborts the update
 * with nothing changed, even when what it waits for never settles (a
 * top-level await that never resolves): `race` stops waiting, `cancelled`
 * tells the work left behind to change nothing.
 */
export class Deadline {
  private readonly startedAt = performance.now();
  private phaseStartedAt = performance.now();
  phase: UpdatePhase = 'compile';
  /** Set once the update stopped waiting: late work must not touch the program. */
  cancelled = false;
  private readonly cancelHooks: Array<() => unknown> = [];

  constructor(
    readonly timeoutMs: number,
    private readonly onPhase: (phase: UpdatePhase) => void = () => undefined,
  ) {}

  /** Starts the next phase, with a deadline of its own; throws if the update was given up. */
  enter(phase: UpdatePhase): void {
    this.check();
    this.phase = phase;
    this.phaseStartedAt = performance.now();
    this.onPhase(phase);
  }

  /** The current phase's limit. */
  private limit(): number {
    return this.phase === 'compile' ? Math.max(this.timeoutMs, COMPILE_FLOOR_MS) : this.timeoutMs;
  }

  /** Milliseconds left to the current phase (at least 1, for a watchdog limit). */
  remaining(): number {
    const now = performance.now();
    return Math.max(1, Math.min(this.phaseStartedAt + this.limit(), this.startedAt + HARD_CEILING_MS) - now);
  }

  private overdue(): boolean {
    const now = performance.now();
    return now >= this.phaseStartedAt + this.limit() || now >= this.startedAt + HARD_CEILING_MS;
  }

  /** Runs `hook` if the update is given up while its work is still under way (a staging to discard). */
  onCancel(hook: () => unknown): void {
    this.cancelHooks.push(hook);
  }

  check(): void {
    if (this.cancelled || this.overdue()) throw this.error();
  }

  error(): BatonError {
    const limit = Math.min(this.limit(), HARD_CEILING_MS);
    return new BatonError('E_TIMEOUT', `the update's ${this.phase} phase did not finish within ${Math.round(limit)} ms${this.phase === 'evaluate' ? ' (a top-level await that does not settle?)' : ''}`, 'nothing was changed; fix the new version, or give a longer --timeout');
  }

  /**
   * Waits for `work` until a phase overruns; then rejects with E_TIMEOUT,
   * marks the update cancelled and hands the late result to `late` (to
   * discard what it built).
   */
  race<T>(work: Promise<T>, late: (result: T) => unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setInterval(() => {
        if (settled || !this.overdue()) return;
        settled = true;
        clearInterval(timer);
        this.cancelled = true;
        reject(this.error());
        for (const hook of this.cancelHooks.splice(0)) void Promise.resolve().then(hook).catch(() => undefined);
      }, 20);
      timer.unref();
      work.then(
        (value) => {
          clearInterval(timer);
          if (settled) void Promise.resolve(late(value)).catch(() => undefined);
          else {
            settled = true;
            resolve(value);
          }
        },
        (error: unknown) => {
          clearInterval(timer);
          if (settled) return;
          settled = true;
          reject(error);
        },
      );
    });
  }
}
