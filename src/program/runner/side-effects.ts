/**
 * Notes the timers and process listeners a module's top level starts, so an
 * update that reloads it can warn when nothing will stop them (they would
 * keep running the old version's code). The globals are swapped only for the
 * synchronous part of one module's evaluation (from the moment its imports
 * are evaluated up to its first await or its end, when a microtask puts them
 * back): no cost at any other time.
 */
export function trackSynchronousPart(found: string[]): void {
  const saved = { setInterval: globalThis.setInterval, setTimeout: globalThis.setTimeout, on: process.on, addListener: process.addListener };
  const g = globalThis as unknown as Record<string, unknown>;
  g['setInterval'] = function (this: unknown, ...args: unknown[]) {
    found.push('an interval');
    return (saved.setInterval as (...a: unknown[]) => unknown).apply(this, args);
  };
  g['setTimeout'] = function (this: unknown, ...args: unknown[]) {
    if (typeof args[1] === 'number' && args[1] >= 1000) found.push('a timer');
    return (saved.setTimeout as (...a: unknown[]) => unknown).apply(this, args);
  };
  const listen = (original: typeof process.on) =>
    function (this: NodeJS.Process, event: string | symbol, listener: (...a: unknown[]) => void) {
      found.push(`a process '${String(event)}' listener`);
      return original.call(this, event as 'exit', listener);
    };
  process.on = listen(saved.on) as typeof process.on;
  process.addListener = listen(saved.addListener) as typeof process.addListener;
  queueMicrotask(() => {
    g['setInterval'] = saved.setInterval;
    g['setTimeout'] = saved.setTimeout;
    process.on = saved.on;
    process.addListener = saved.addListener;
  });
}
