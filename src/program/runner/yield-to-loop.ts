/**
 * Resolves on a later turn of the event loop, not in the same microtask
 * queue: work split by it lets the program serve requests in between, so an
 * update's preparation never blocks the program for long at a stretch.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * How long a piece of an update's work on the program's thread may run
 * before it lets the event loop turn. A patch's target is a pause of 2 ms at
 * most, measured on a 1 ms timer: pieces well under a millisecond keep the
 * longest block the timer sees near the machine's own noise.
 */
export const SLICE_MS = 0.5;

/**
 * Cuts a sequence of steps (one module, one function body) into turns of the
 * event loop of about `budgetMs` each: `next()` between steps yields only
 * when the current turn has run that long, so a small update pays no extra
 * turns and a large one never holds the loop for the sum of its steps.
 */
export class LoopSlices {
  private since = performance.now();

  constructor(private readonly budgetMs = SLICE_MS) {}

  async next(): Promise<void> {
    if (performance.now() - this.since < this.budgetMs) return;
    await yieldToLoop();
    this.since = performance.now();
  }

  /**
   * Starts `start(item)` for every item, the loop turning between starts
   * when due (the synchronous part of each start is what is sliced: the
   * awaits inside it run concurrently, as with `Promise.all(items.map(start))`),
   * and waits for all of them; rejects with the first failure.
   */
  async all<T, R>(items: Iterable<T>, start: (item: T) => Promise<R>): Promise<R[]> {
    const started: Array<Promise<R>> = [];
    for (const item of items) {
      await this.next();
      const promise = start(item);
      // Handled from the start: a failure while later items start is reported by Promise.all, not as unhandled.
      promise.catch(() => undefined);
      started.push(promise);
    }
    return Promise.all(started);
  }
}
