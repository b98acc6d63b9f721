import type { Runtime } from './runtime.js';
import type { ModuleRecord } from '../runner/module-graph.js';
import type { PreparedModule } from './prepare.js';
import { Stage } from './stage.js';
import type { Deadline } from './deadline.js';

/**
 * Modules the new version adds, evaluated at the end of prepare,
 * invisible to the program until commit (their importers are live modules,
 * linked to them at commit). No module the program already runs is evaluated
 * again: changed modules change live (live.ts).
 */
export interface StagedModules {
  readonly stage: Stage;
  /** Modules the new version no longer has: dropped from the graph at commit. */
  readonly removed: readonly string[];
}

/** The new modules, compiled and ready to link, not evaluated: their code runs in `evaluateNewModules`. */
export function stageNewModules(runtime: Runtime, root: string, modules: readonly PreparedModule[], deadline: Deadline): StagedModules {
  const staged = new Map(modules.filter((m) => m.change.kind === 'added').map((m) => [m.id, m]));
  const moved = new Map(modules.flatMap((m) => (m.movedTo ? [[m.movedTo, m.id] as const] : [])));
  const stage = new Stage(runtime.graph, root, staged, moved);
  // New instances that never finish (a top level awaiting forever) may have started timers: their dispose hooks stop them.
  deadline.onCancel(() => stage.discard());
  return { stage, removed: modules.filter((m) => m.change.kind === 'removed').map((m) => m.id) };
}

/**
 * Runs the new modules' top levels, once, late in prepare: after the update
 * file, the live changes and the binding transformers, before the class
 * migrations' checks (a heap pass) and the removed modules' dispose hooks. A module whose top level throws aborts the update, and what the new
 * modules started is stopped (staged-effects.ts).
 */
export async function evaluateNewModules(staged: StagedModules, deadline: Deadline, timers?: { running(on: boolean): void }): Promise<void> {
  try {
    deadline.enter('evaluate');
    await staged.stage.evaluateAll(deadline, timers);
  } catch (error) {
    await staged.stage.discard();
    throw error;
  }
}

/** Last in prepare, once nothing else can fail: the removed modules' dispose hooks. */
export async function disposeRemoved(runtime: Runtime, removed: readonly string[]): Promise<void> {
  for (const id of removed) {
    const old = runtime.graph.records.get(id)?.current;
    if (!old) continue;
    for (const dispose of old.hot.disposers) await dispose(old.hot.data);
  }
}

/** At commit (cannot fail): the new modules join the graph, the removed ones leave it. */
export function commitNewModules(runtime: Runtime, staged: StagedModules): void {
  const graph = runtime.graph;
  for (const [id, instance] of staged.stage.instances) {
    const added: ModuleRecord = { id, current: instance, namespace: staged.stage.namespaces.get(id)!, evaluation: Promise.resolve() };
    graph.records.set(id, added);
  }
  for (const id of staged.removed) graph.records.delete(id);
}
