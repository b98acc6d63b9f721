/**
 * `import.meta.hot`: the accept / dispose / data / decline conventions of
 * Vite, webpack and dynohot, so HMR-aware code runs unchanged under baton.
 */
export class HotContext {
  /** Handed from the previous instance's dispose hooks to this one. */
  readonly data: Record<string, unknown>;
  /** @internal */ readonly disposers: Array<(data: Record<string, unknown>) => void | Promise<void>> = [];
  /** @internal */ declined = false;

  constructor(data: Record<string, unknown> = {}) {
    this.data = data;
  }

  /** Runs before this instance is replaced; `data` reaches the next instance. */
  dispose(callback: (data: Record<string, unknown>) => void | Promise<void>): void {
    this.disposers.push(callback);
  }

  /** @internal */ readonly acceptors: Array<(next: Record<string, unknown>) => void> = [];

  /**
   * A self-accepting module. baton changes modules in place whether or not
   * they accept; a callback runs after an update that changed this module
   * structurally, with its new exports (Vite's `accept(cb)`).
   */
  accept(callback?: (next: Record<string, unknown>) => void): void {
    if (callback) this.acceptors.push(callback);
  }

  /** This module takes no structural update: one that would change it (beyond a patch) is refused. */
  decline(): void {
    this.declined = true;
  }

  /** Vite's `invalidate` has no meaning in a running server; kept so HMR code runs. */
  invalidate(): void {}
}
