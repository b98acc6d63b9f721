import type { LivePlan } from '../../compare/live-plan.js';
import { addedStatements, exportEntries, initializerOf } from '../../compare/live-plan.js';
import { reasonNotToCarry } from '../state/carry-policy.js';
import type { CompiledModule } from '../runner/compile.js';
import type { ModuleRecord } from '../runner/module-graph.js';
import { pointNamespace } from '../runner/namespace.js';
import { clearCell, framesInFlight, readCell, setCell } from '../runner/slot-table.js';
import { preparePatch, type PreparedPatch } from './patch.js';

/**
 * A structural change made on the live module (module code runs once): the
 * new and changed bodies go into slots, the new top-level bindings are
 * initialized on the instance's `__baton_ext`, new exports are added to its
 * export object. No statement of the module runs again, and new or changed
 * top-level statements do not run.
 */
export interface PreparedLive {
  readonly record: ModuleRecord;
  readonly compiled: CompiledModule;
  readonly plan: LivePlan;
  readonly patch: PreparedPatch;
  /** The added bindings' declarations, compiled in the module's scope. */
  readonly initialize: (() => void) | undefined;
  readonly addExports: (() => void) | undefined;
  /** Bindings that take their new initializer's value at commit, with what computes it. */
  readonly recompute: ReadonlyArray<{ readonly name: string; readonly value: () => unknown; readonly why: string }>;
}

export function prepareLive(record: ModuleRecord, compiled: CompiledModule, plan: LivePlan): PreparedLive {
  const instance = record.current;
  const patch = preparePatch(record.id, instance, compiled);
  const statements = addedStatements(compiled.skeleton, new Set(plan.added));
  const initialize = statements.length > 0 ? (instance.evaluate(`(function () { ${statements.join('\n')} })`) as () => void) : undefined;
  const exp = plan.exportsAdded.length > 0 ? exportEntries(compiled.skeleton, new Set(plan.exportsAdded)) : undefined;
  const addExports = exp && exp.entries.length > 0 ? (instance.evaluate(`(function () { __export(${exp.target}, { ${exp.entries.join(', ')} }); })`) as () => void) : undefined;
  // A kept binding that holds code (a function, a table of handlers) takes the new version's: old code must not stay reachable.
  const code = plan.kept.filter((name) => {
    const why = reasonNotToCarry(instance.bindings[name]?.[0]());
    return why === 'code' || why === 'a table of functions';
  });
  const recompute = [...plan.recomputed, ...code].flatMap((name) => {
    const init = initializerOf(compiled.skeleton, name);
    if (init === undefined || !instance.bindings[name]) return [];
    return [{ name, value: instance.evaluate(`(function () { return (${init}); })`) as () => unknown, why: plan.recomputed.includes(name) ? 'a constant' : 'code' }];
  });
  return { record, compiled, plan, patch, initialize, addExports, recompute };
}

/** A commit step that can fail, with its undo. */
export interface LiveCommit {
  readonly inFlight: Map<string, number>;
  undo(): void;
  /** The stores that cannot fail: exports, namespace, the instance's compiled form. */
  finish(): void;
}

/**
 * Installs the bodies, then initializes the new bindings (their initializers
 * may call the new functions). An initializer that throws undoes both and
 * rethrows: the module is as it was.
 */
export function commitLive(live: PreparedLive): LiveCommit {
  const instance = live.record.current;
  const previous = new Map<string, unknown>();
  const inFlight = new Map<string, number>();
  for (const swap of live.patch.swaps) {
    const old = readCell(swap.cell);
    previous.set(swap.cell, old);
    const frames = framesInFlight(old);
    if (frames > 0) inFlight.set(swap.path, frames);
    setCell(swap.cell, swap.body);
  }
  const overwritten = new Map<string, unknown>();
  const undo = () => {
    for (const [name, old] of overwritten) instance.bindings[name]![1](old);
    for (const [cell, old] of previous) {
      if (old === undefined) clearCell(cell);
      else setCell(cell, old);
    }
    for (const name of live.plan.added) delete instance.ext[name];
  };
  try {
    live.initialize?.();
    for (const r of live.recompute) {
      const next = r.value();
      overwritten.set(r.name, instance.bindings[r.name]![0]());
      instance.bindings[r.name]![1](next);
    }
  } catch (error) {
    undo();
    throw error;
  }
  return {
    inFlight,
    undo,
    finish: () => {
      live.addExports?.();
      pointNamespace(live.record.namespace, instance.exports);
      instance.compiled = live.compiled;
    },
  };
}
