/**
 * Resolves on a later turn of the event loop, not in the same microtask
 * queue: work split by it lets the program serve requests in between, so an
 * update's preparation never blocks the program for long at a stretch.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
