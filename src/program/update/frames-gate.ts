import { BatonError } from '../../protocol/errors.js';
import type { ModuleGraph } from '../runner/module-graph.js';
import { framesInFlight, readCell } from '../runner/slot-table.js';
import type { PreparedModule } from './prepare.js';

/** Frames suspended in the old body of one changed async function or generator. */
export interface SuspendedFrames {
  readonly id: string;
  readonly path: string;
  readonly frames: number;
}

/**
 * The old bodies whose suspended frames must settle before an update that
 * transforms state commits: changed (or removed) async functions and
 * generators of the modules whose state it transforms. A frame suspended in
 * one would resume on data in the new shape that its old code does not know.
 */
export function framesToSettle(graph: ModuleGraph, changed: readonly PreparedModule[], transformed: ReadonlySet<string>): () => SuspendedFrames[] {
  const watched: Array<{ id: string; path: string; cell: string }> = [];
  for (const m of changed) {
    if (!transformed.has(m.id) && !transformed.has('*')) continue;
    const record = graph.records.get(m.id);
    if (!record || !('functions' in m.change)) continue;
    const cells = new Map(record.current.compiled.slots.map((s) => [s.path, s.cell]));
    for (const f of m.change.functions) {
      const cell = cells.get(f.name);
      if (f.suspendable && f.change !== 'added' && cell) watched.push({ id: m.id, path: f.name, cell });
    }
  }
  return () => watched.map((w) => ({ id: w.id, path: w.path, frames: framesInFlight(readCell(w.cell)) })).filter((w) => w.frames > 0);
}

/** Waits (without blocking the loop) until no watched frame is suspended, or fails at the deadline naming them. */
export async function settleFrames(suspended: () => SuspendedFrames[], deadline: number): Promise<void> {
  for (;;) {
    const left = suspended();
    if (left.length === 0) return;
    if (performance.now() >= deadline) throw framesError(left);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function framesError(left: readonly SuspendedFrames[]): BatonError {
  const list = left.map((f) => `${f.id}: ${f.path} (${f.frames} suspended)`).join(', ');
  return new BatonError(
    'E_FRAMES_IN_FLIGHT',
    `this update transforms state that frames suspended in old code still use: ${list}; they did not finish before the deadline`,
    'nothing was changed; update again when they have finished (the round, the job, the stream), or give a longer --timeout',
  );
}
