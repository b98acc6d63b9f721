import { synchronousResult } from '../state/synchronous.js';
import { OldStateView } from '../state/old-state-view.js';
import type { ModuleRecord } from '../runner/module-graph.js';
import type { ModuleInstance } from '../runner/instance.js';
import { liveBindings } from '../runner/live-bindings.js';
import type { UpdateSpec } from '../state/update-spec.js';
import { programWalk } from './migrations.js';
import type { ModuleReport } from '../../protocol/outcome.js';
import type { Runtime } from './runtime.js';

/** Transformed values, ready to write at commit. */
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
  /**
   * The update file's program hook, at commit once the live modules' new
   * bindings are initialized (it may read and set them); `old` gives a
   * binding's value from before the commit. Its writes are made when it
   * returns; one that throws aborts the update, and nothing it set is kept.
   */
  runHook(old: (id: string, name: string) => unknown): void;
}

/**
 * Binding transformers and the program hook, on the live modules' bindings
 * (every module keeps its instance), and class transformers for classes that
 * are not declared again: a type their instances' fields are made of changed
 * elsewhere (the module's code may be unchanged), so the class stays and only
 * its instances' fields change, eagerly. Values are computed now, before any
 * visible change, and written at commit. `migrated(id, name)`: a class the
 * update declares again, whose transformer its migration runs (live.ts).
 * `staged`: new modules' instances, which the program hook may set.
 */
export function prepareInPlace(runtime: Runtime, spec: UpdateSpec | undefined, migrated: (id: string, name: string) => boolean, staged: ReadonlyMap<string, ModuleInstance> = new Map()): InPlaceState {
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
    const record = recordOf(runtime, id);
    const live = liveBindings(record.current).bindings;
    for (const [name, transform] of Object.entries(transformers)) {
      const accessor = live[name];
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
    const record = recordOf(runtime, id);
    for (const [name, transformer] of Object.entries(transformers)) {
      if (migrated(id, name)) continue;
      const cls = liveBindings(record.current).bindings[name]?.[0]();
      if (typeof cls !== 'function' || !cls.prototype) throw new Error(`baton.update.ts: ${id} has no class ${name}`);
      const proto = cls.prototype as object;
      const what = `the transformer of class ${name} in ${id}`;
      const classReport = { name, instances: 0, mode: 'eager' as const };
      computes.push(() => {
        const prepared: Array<[Record<string, unknown>, object]> = [];
        programWalk(runtime).step((value) => {
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
  const hook = spec?.program;
  if (hook) (report(runtime.entryId).reasons as string[]).push('the program hook ran');
  // Now, to fail before commit; again at commit, on the values of that moment.
  for (const compute of computes) compute();
  let writes: Array<() => void> = [];
  return {
    reports: [...reports.values()],
    recompute: () => {
      writes = computes.map((compute) => compute());
    },
    commit: () => writes.forEach((w) => w()),
    runHook: (old) => {
      if (hook) programHook(runtime, hook, staged, old)();
    },
  };
}

/** The whole-program hook: old values through a read-only view; its writes, returned to be made once it succeeded. */
function programHook(runtime: Runtime, hook: NonNullable<UpdateSpec['program']>, staged: ReadonlyMap<string, ModuleInstance>, oldValue: (id: string, name: string) => unknown): () => void {
  const graph = runtime.graph;
  const accessorOf = (id: string, name: string) => {
    const instance = staged.get(id) ?? graph.records.get(id)?.current;
    return instance ? liveBindings(instance).bindings[name] : undefined;
  };
  const writes = new Map<string, { accessor: readonly [() => unknown, (v: unknown) => void]; value: unknown }>();
  // Values the hook read and may have changed in place (`get(...)[0] = old(...)`): views left in them are replaced too.
  const got = new Set<readonly [() => unknown, (v: unknown) => void]>();
  const view = new OldStateView('the program hook');
  const state = {
    old: (id: string, name: string) => view.wrap(staged.has(id) ? undefined : oldValue(id, name)),
    get: (id: string, name: string) => {
      if (writes.has(`${id}:${name}`)) return writes.get(`${id}:${name}`)!.value;
      const accessor = accessorOf(id, name);
      if (accessor) got.add(accessor);
      return accessor?.[0]();
    },
    set: (id: string, name: string, value: unknown) => {
      const accessor = accessorOf(id, name);
      if (!accessor) throw new Error(`program hook: ${id} has no binding ${name} in the new version`);
      writes.set(`${id}:${name}`, { accessor, value });
    },
  };
  view.open();
  try {
    synchronousResult('the program hook', hook(state));
    // A view the hook stored inside a new value (`set(..., [old(...)])`) is replaced by the real object.
    for (const w of writes.values()) w.value = view.unwrap(w.value);
    for (const accessor of got) {
      if (![...writes.values()].some((w) => w.accessor === accessor)) writes.set(`got:${writes.size}`, { accessor, value: view.unwrap(accessor[0]()) });
    }
  } finally {
    view.close();
  }
  return () => {
    for (const w of writes.values()) w.accessor[1](w.value);
  };
}

function recordOf(runtime: Runtime, id: string): ModuleRecord {
  const record = runtime.graph.records.get(id);
  if (!record) throw new Error(`baton.update.ts names module ${id}, which the program has not loaded`);
  return record;
}
