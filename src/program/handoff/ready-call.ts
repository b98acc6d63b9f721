/** Set by a hand-off's new process (child.ts) until it commits: tells the old process. */
let listener: (() => void) | undefined;

/**
 * `ready()` from 'baton-dsu': the program says it is ready to serve. In the
 * new process of a hand-off run with `--ready call`, this is the readiness
 * check (the old process waits for it within the grace period). Anywhere
 * else it does nothing, so a program can call it on every start.
 */
export function ready(): void {
  listener?.();
}

/** @internal The hand-off's new process listens for the call (undefined: stops). */
export function onReady(f: (() => void) | undefined): void {
  listener = f;
}
