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
  const writes: Array<() => void> = [];
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
      const value = OldStateView.call(what, (view) => synchronousResult(what, transform(view)), accessor[0]());
      writes.push(() => accessor[1](value));
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
      const prepared: Array<[Record<string, unknown>, object]> = [];
      stateWalk([...runtime.graph.records.values()].map((r) => r.current)).step((value) => {
        const what = `the transformer of class ${name} in ${id}`;
        if (Object.getPrototypeOf(value) === proto) prepared.push([value as Record<string, unknown>, OldStateView.call(what, (view) => synchronousResult(what, transformer.fields(view)), value)]);
      });
      writes.push(() => {
        for (const [instance, fields] of prepared) {
          for (const key of Object.keys(instance)) if (!(key in fields)) delete instance[key];
          Object.assign(instance, fields);
        }
      });
      (report(id).classes as Array<{ name: string; instances: number; mode: 'eager' }>).push({ name, instances: prepared.length, mode: 'eager' });
    }
  }
  return { reports: [...reports.values()], commit: () => writes.forEach((w) => w()) };
}

function recordOf(runtime: Runtime, id: string): ModuleRecord {
  const record = runtime.graph.records.get(id);
  if (!record) throw new Error(`baton.update.ts names module ${id}, which the program has not loaded`);
  return record;
}
