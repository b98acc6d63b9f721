import { readCell, setCell } from '../runner/slot-table.js';

/**
 * The instances an old class constructs while an eager migration prepares,
 * after V8's heap query has found the ones that existed: the constructor's
 * body is wrapped in its slot cell for that time. So the commit needs no
 * second search of the heap, nor a walk of the state, to find the instances
 * made in between (each costs about as much as the transformers at 1M
 * instances). Started right before the query, stopped at commit or abort.
 */
export class ConstructionWatch {
  /** Objects the constructor finished building, in order (a constructor that threw built nothing the program kept). */
  readonly made: object[] = [];
  private stopped = false;

  private constructor(
    private readonly cell: string,
    private readonly body: (...args: unknown[]) => unknown,
  ) {}

  private readonly wrapper = ((watch: ConstructionWatch) =>
    function (this: object, ...args: unknown[]): unknown {
      const result = watch.body.apply(this, args);
      watch.made.push(this);
      return result;
    })(this);

  /** Undefined when the class has no constructor body of its own in a cell. */
  static start(cell: string | undefined): ConstructionWatch | undefined {
    if (cell === undefined) return undefined;
    const body = readCell(cell);
    if (typeof body !== 'function') return undefined;
    const watch = new ConstructionWatch(cell, body as (...args: unknown[]) => unknown);
    setCell(cell, watch.wrapper);
    return watch;
  }

  /** Puts the constructor's own body back (once; idempotent, so every abort path may call it). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // Only if the cell still holds the wrapper: nothing else writes an old class's cell during an update.
    if (readCell(this.cell) === this.wrapper) setCell(this.cell, this.body);
  }
}
