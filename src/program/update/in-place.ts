import { synchronousResult } from '../state/synchronous.js';
import { OldStateView } from '../state/old-state-view.js';
import type { ModuleRecord } from '../runner/module-graph.js';
import { stateWalk } from '../state/reachable.js';
import type { UpdateSpec } from '../state/update-spec.js';
import type { ModuleReport } from '../../protocol/outcome.js';
import type { Runtime } from './runtime.js';

/** Transformed values for modules that are not reloaded, ready to write at commit. */
export interface InPlaceState {
  readonly reports: readonly ModuleReport[];
  /**
   * At commit, before anything changes: runs the transformers again on the
   * values of the moment (requests served while the update prepared may have
   * changed them); throws if one fails now. Values computed in prepare would
   * drop those writes.
   */
  recompute(): void;
  /** Writes what `recompute` computed; cannot fail. */
  commit(): void;
}

/**
 * Transformers aimed at modules whose code did not change (or only inside
 * function bodies): a type the module's state is made of changed elsewhere,
 * so `baton check` asked for a transformer, but the module keeps its instance.
 * Values are computed now, before any visible change, and written at commit.
 * Class transformers run eagerly here: the class itself stays, only its
 * instances' fields change.
 */
export function prepareInPlace(runtime: Runtime, spec: UpdateSpec | undefined, reloaded: ReadonlySet<string>): InPlaceState {
  // Each computes its new values from the state as it is when called, and returns their writes.
  const computes: Array<() => () => void> = [];
  const reports = new Map<string, ModuleReport>();
  const report = (id: string): ModuleReport => {
    let r = reports.get(id);
    if (!r) {
      r = { id, mechanism: 'state', functions: [], reasons: ['state transformed in place'], bindings: [], classes: [] };
      reports.set(id, r);
    }
    return r;
  };
  for (const [id, transformers] of Object.entries(spec?.bindings ?? {})) {
    if (reloaded.has(id)) continue;
    const record = recordOf(runtime, id);
    for (const [name, transform] of Object.entries(transformers)) {
      const accessor = record.current.bindings[name];
      if (!accessor) throw new Error(`baton.update.ts: ${id} has no top-level binding ${name}`);
      const what = `the transformer of ${name} in ${id}`;
      computes.push(() => {
        const value = OldStateView.call(what, (view) => synchronousResult(what, transform(view)), accessor[0]());
        return () => accessor[1](value);
      });
      (report(id).bindings as Array<{ name: string; how: 'transformed' }>).push({ name, how: 'transformed' });
    }
  }
  for (const [id, transformers] of Object.entries(spec?.classes ?? {})) {
    if (reloaded.has(id)) continue;
    const record = recordOf(runtime, id);
    for (const [name, transformer] of Object.entries(transformers)) {
      const cls = record.current.bindings[name]?.[0]();
      if (typeof cls !== 'function' || !cls.prototype) throw new Error(`baton.update.ts: ${id} has no class ${name}`);
      const proto = cls.prototype as object;
      const what = `the transformer of class ${name} in ${id}`;
      const classReport = { name, instances: 0, mode: 'eager' as const };
      computes.push(() => {
        const prepared: Array<[Record<string, unknown>, object]> = [];
        stateWalk([...runtime.graph.records.values()].map((r) => r.current)).step((value) => {
          if (Object.getPrototypeOf(value) === proto) prepared.push([value as Record<string, unknown>, OldStateView.call(what, (view) => synchronousResult(what, transformer.fields(view)), value)]);
        });
        classReport.instances = prepared.length;
        return () => {
          for (const [instance, fields] of prepared) {
            for (const key of Object.keys(instance)) if (!(key in fields)) delete instance[key];
            Object.assign(instance, fields);
          }
        };
      });
      (report(id).classes as Array<typeof classReport>).push(classReport);
    }
  }
  // Now, to fail before commit; again at commit, on the values of that moment.
  for (const compute of computes) compute();
  let writes: Array<() => void> = [];
  return {
    reports: [...reports.values()],
    recompute: () => {
      writes = computes.map((compute) => compute());
    },
    commit: () => writes.forEach((w) => w()),
  };
}

function recordOf(runtime: Runtime, id: string): ModuleRecord {
  const record = runtime.graph.records.get(id);
  if (!record) throw new Error(`baton.update.ts names module ${id}, which the program has not loaded`);
  return record;
}
