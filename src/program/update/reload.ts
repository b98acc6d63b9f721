import type { Runtime } from './runtime.js';
import type { ModuleInstance } from '../runner/instance.js';
import { pointNamespace } from '../runner/namespace.js';
import { releaseCells } from '../runner/slot-table.js';
import type { ModuleRecord } from '../runner/module-graph.js';
import { ClassMigration } from '../state/class-migration.js';
import { stateWalk, type ReachableWalk } from '../state/reachable.js';
import { instancesOf } from '../state/instances.js';
import { ConstructionWatch } from '../state/construction-watch.js';
import { reasonNotToCarry } from '../state/carry-policy.js';
import { synchronousResult } from '../state/synchronous.js';
import type { UpdateSpec } from '../state/update-spec.js';
import type { BindingReport } from '../../protocol/outcome.js';
import type { PreparedModule } from './prepare.js';
import { Stage } from './stage.js';
import { ListenerTakeover } from './listeners.js';
import type { Deadline } from './deadline.js';
import { OldStateView } from '../state/old-state-view.js';
import { guarded } from '../state/watchdog.js';

/** Everything a reload prepared, ready to commit in one synchronous step. */
export interface PreparedReload {
  readonly stage: Stage;
  readonly takeover: ListenerTakeover;
  readonly migrations: readonly ClassMigration[];
  readonly bindings: ReadonlyMap<string, BindingReport[]>;
  readonly warnings: readonly string[];
  readonly removed: readonly string[];
  /** Binding transformers again, on the old values of the moment: run first at commit (they may throw). */
  readonly rerun: ReadonlyMap<string, () => void>;
  /** The instances the commit replaced, by module id (filled in by commitReload). */
  readonly replaced: Map<string, ModuleInstance>;
}

type Ctor = abstract new (...args: never[]) => object;

/**
 * Evaluates the new instances, carries state by name, runs the transformers
 * into new values and checks class transformers, without any change the
 * program can see. Throws (after discarding what it built) if anything fails.
 */
export async function prepareReload(
  runtime: Runtime,
  root: string,
  modules: readonly PreparedModule[],
  loadSpec: (stage: Stage) => Promise<UpdateSpec | undefined>,
  /** More preparation that may fail, run before the dispose hooks (in-place transformers). */
  beforeDispose: (spec: UpdateSpec | undefined) => void,
  deadline: Deadline,
): Promise<{ reload: PreparedReload; spec: UpdateSpec | undefined }> {
  const graph = runtime.graph;
  const staged = new Map(modules.filter((m) => m.change.kind === 'reload' || m.change.kind === 'added').map((m) => [m.id, m]));
  const moved = new Map(modules.flatMap((m) => (m.movedTo ? [[m.movedTo, m.id] as const] : [])));
  const stage = new Stage(graph, root, staged, moved);
  // New instances that never finish (a top level awaiting forever) may have started timers: their dispose hooks stop them.
  deadline.onCancel(() => stage.discard());
  const takeover = new ListenerTakeover();
  takeover.intercept();
  try {
    deadline.enter('evaluate');
    await stage.evaluateAll(deadline);
  } catch (error) {
    takeover.restore();
    await stage.discard();
    throw error;
  } finally {
    takeover.restore();
  }
  try {
    deadline.enter('transform');
    const spec = await loadSpec(stage);
    deadline.check();
    const bindings = new Map<string, BindingReport[]>();
    // By `module:binding`; a binding the program hook sets is the hook's from then on.
    const rerun = new Map<string, () => void>();
    const migrations: ClassMigration[] = [];
    const warnings: string[] = [];
    for (const [id, instance] of stage.instances) {
      const record = graph.records.get(id);
      if (!record) continue;
      bindings.set(id, guarded(`the transformers of ${id}`, deadline.remaining(), () => carryBindings(record.current, instance, spec?.bindings?.[id] ?? {}, rerun)));
      migrations.push(...classMigrations(record.current, instance, spec?.classes?.[id] ?? {}, warnings));
      if (record.current.sideEffects.length > 0 && record.current.hot.disposers.length === 0) {
        warnings.push(`${id}: its old version started ${record.current.sideEffects.join(', ')} at top level and has no import.meta.hot.dispose hook; they keep running old code`);
      }
    }
    if (spec?.program) {
      const hook = spec.program;
      // The old values through a view whose writes are refused; what the hook stores in new values is unwrapped after.
      const view = new OldStateView('the program hook');
      const state = {
        old: (id: string, name: string) => view.wrap(graph.records.get(id)?.current.bindings[name]?.[0]()),
        get: (id: string, name: string) => stage.instances.get(id)?.bindings[name]?.[0]() ?? graph.records.get(id)?.current.bindings[name]?.[0](),
        set: (id: string, name: string, value: unknown) => {
          const accessor = stage.instances.get(id)?.bindings[name];
          if (!accessor) throw new Error(`program hook: ${id} has no binding ${name} in the new version`);
          accessor[1](view.unwrap(value));
          rerun.delete(`${id}:${name}`);
          const report = bindings.get(id)?.find((b) => b.name === name);
          if (report) (report as { how: BindingReport['how'] }).how = 'transformed';
        },
      };
      view.open();
      try {
        guarded('the program hook', deadline.remaining(), () => {
          synchronousResult('the program hook', hook(state));
          // A view the hook stored inside a new value (`get(...)[0] = old(...)`) is replaced by the real object.
          for (const [id, instance] of stage.instances) {
            for (const b of bindings.get(id) ?? []) if (b.how !== 'carried') instance.bindings[b.name]?.[1](view.unwrap(instance.bindings[b.name]?.[0]()));
          }
        });
      } finally {
        view.close();
      }
    }
    await prepareMigrations(runtime, stage, migrations, warnings, deadline);
    guarded('the in-place transformers', deadline.remaining(), () => beforeDispose(spec));
    deadline.enter('dispose');
    const removed = modules.filter((m) => m.change.kind === 'removed').map((m) => m.id);
    // Last, once nothing else can fail: the old instances' dispose hooks.
    for (const id of [...stage.instances.keys(), ...removed]) {
      const old = graph.records.get(id)?.current;
      if (!old) continue;
      for (const dispose of old.hot.disposers) await dispose(old.hot.data);
    }
    return { reload: { stage, takeover, migrations, bindings, warnings, removed, rerun, replaced: new Map() }, spec };
  } catch (error) {
    await stage.discard();
    throw error;
  }
}

/** Top-level bindings present in both versions keep their values unless a transformer says otherwise. */
function carryBindings(old: ModuleInstance, next: ModuleInstance, transformers: Record<string, (old: unknown) => unknown>, rerun: Map<string, () => void>): BindingReport[] {
  const reports: BindingReport[] = [];
  const oldKinds = new Map(old.compiled.bindings.map((b) => [b.name, b]));
  for (const binding of next.compiled.bindings) {
    const previous = oldKinds.get(binding.name);
    const oldAccessor = old.bindings[binding.name];
    const newAccessor = next.bindings[binding.name];
    if (!previous || !oldAccessor || !newAccessor) {
      if (binding.kind !== 'function' && binding.kind !== 'class') reports.push({ name: binding.name, how: 'fresh' });
      continue;
    }
    if (binding.kind === 'function' || binding.kind === 'class' || previous.kind === 'function' || previous.kind === 'class') continue;
    const transformer = transformers[binding.name];
    if (transformer) {
      const what = `the transformer of ${binding.name} in ${next.id}`;
      const run = () => newAccessor[1](OldStateView.call(what, (view) => synchronousResult(what, transformer(view)), oldAccessor[0]()));
      run();
      // Writes the program made to the old value while the update prepared must not be lost: again at commit.
      rerun.set(`${next.id}:${binding.name}`, run);
      reports.push({ name: binding.name, how: 'transformed' });
      continue;
    }
    const value = oldAccessor[0]();
    const notState = reasonNotToCarry(value);
    if (notState !== undefined) {
      reports.push({ name: binding.name, how: 'fresh', note: `holds ${notState}: the new version's own value` });
      continue;
    }
    // A constant whose initializer changed takes its new value.
    if (binding.kind === 'const' && binding.init !== previous.init) {
      reports.push({ name: binding.name, how: 'fresh', note: 'its initializer changed' });
      continue;
    }
    newAccessor[1](value);
    reports.push({ name: binding.name, how: 'carried' });
  }
  const names = new Set(next.compiled.bindings.map((b) => b.name));
  for (const b of old.compiled.bindings) {
    if (!names.has(b.name) && b.kind !== 'function' && b.kind !== 'class') reports.push({ name: b.name, how: 'dropped' });
  }
  return reports;
}

function classMigrations(old: ModuleInstance, next: ModuleInstance, transformers: NonNullable<UpdateSpec['classes']>[string], warnings: string[]): ClassMigration[] {
  const out: ClassMigration[] = [];
  for (const binding of next.compiled.bindings) {
    if (binding.kind !== 'class') continue;
    const oldClass = old.bindings[binding.name]?.[0]() as Ctor | undefined;
    const newClass = next.bindings[binding.name]?.[0]() as Ctor | undefined;
    if (typeof oldClass !== 'function' || typeof newClass !== 'function' || oldClass === newClass) continue;
    const transformer = transformers[binding.name];
    const mode = transformer ? (transformer.mode ?? 'eager') : 'methods';
    out.push(new ClassMigration(old.id, binding.name, oldClass, newClass, transformer, mode));
  }
  for (const name of Object.keys(transformers)) {
    if (!out.some((m) => m.name === name)) warnings.push(`${old.id}: the transformer for class ${name} matches no class of the reloaded module`);
  }
  return out;
}

/**
 * Checks class transformers before commit without changing anything: for
 * lazy classes, on a sample (the walk stops once every lazy class has one);
 * for eager ones, on every instance, in slices that let the event loop turn.
 * Lazy falls back to eager where it could let new code read an old-shaped
 * field. An eager class whose constructor is in a slot keeps its results for
 * the commit (see ClassMigration.collectFound), and has its constructor
 * watched from the heap query on, so the commit finds every instance without
 * searching again.
 */
async function prepareMigrations(runtime: Runtime, stage: Stage, migrations: ClassMigration[], warnings: string[], deadline: Deadline): Promise<void> {
  const active = migrations.filter((m) => m.transformer);
  if (active.length === 0) return;
  const lazy = active.filter((m) => m.mode === 'lazy');
  // Every transformer, lazy ones too, runs on every instance reachable now, in
  // slices, so that one failing on any of them aborts here, before commit, and
  // never in a lazy trap or the sweep after "applied". Each slice runs under
  // the watchdog: a transformer that loops is interrupted. Watched eager
  // classes are left to the heap query below, which finds all of theirs; the
  // walk only tries their transformer on the first instance it meets, so one
  // that fails on every instance (async, looping, writing to its input) aborts
  // before that pass over the heap (seconds on a large heap), as it did before.
  const walked = active.filter((m) => m.mode === 'lazy' || constructorCell(runtime, m) === undefined);
  const sampled = active.filter((m) => !walked.includes(m));
  const walk = newStateWalk(runtime, stage);
  const tried = new Set<ClassMigration>();
  const unsampled = () => tried.size < sampled.length;
  let more = walked.length > 0 || unsampled();
  while (more) {
    deadline.check();
    more = guarded('a class transformer', deadline.remaining(), () => {
      const until = performance.now() + 4;
      let left = true;
      while (left && performance.now() < until && (walked.length > 0 || unsampled())) {
        left = walk.step((value) => {
          for (const m of walked) {
            if (m.mode === 'lazy' && !m.sample && m.isOldInstance(value)) m.sample = value;
            m.check(value);
          }
          for (const m of sampled) {
            if (tried.has(m) || !m.isOldInstance(value)) continue;
            tried.add(m);
            m.check(value);
          }
        }, 500);
      }
      return left && (walked.length > 0 || unsampled());
    });
    if (more) await new Promise((resolve) => setImmediate(resolve));
  }
  for (const m of lazy) {
    const unsafe = m.sample ? m.lazyUnsafeField(m.sample) : undefined;
    if (unsafe === undefined) continue;
    warnings.push(`${m.moduleId}: class ${m.name} was transformed eagerly, not lazily: field '${unsafe}' keeps its name with a new value, and a lazy read of it could see the old shape`);
    m.mode = 'eager';
  }
  // Instances only a closure holds, which the walk cannot reach: every one meets its eager transformer before commit.
  for (const m of active.filter((x) => x.mode === 'eager')) {
    // Watched from just before the query: an instance is either found by it or constructed after it.
    const watch = walked.includes(m) ? undefined : ConstructionWatch.start(constructorCell(runtime, m));
    if (watch) {
      m.watch = watch;
      stage.onDiscard(() => watch.stop());
    }
    const found = instancesOf(m.oldClass.prototype as object, (o) => m.isFoundInstance(o));
    if (!watch) m.heldElsewhere = found;
    for (let i = 0; i < found.length; i += 2000) {
      deadline.check();
      const slice = found.slice(i, i + 2000);
      guarded('a class transformer', deadline.remaining(), () => {
        if (watch) for (const value of slice) m.prepareFound(value);
        else for (const value of slice) m.check(value);
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** The slot cell of a migrating class's own constructor in the running version, if it has one. */
function constructorCell(runtime: Runtime, m: ClassMigration): string | undefined {
  const path = `${m.oldClass.name}.constructor`;
  const cell = runtime.graph.records.get(m.moduleId)?.current.compiled.slots.find((s) => s.path === path)?.cell;
  // The class's compiled text names the cell its constructor stub calls: the path matched this class.
  return cell !== undefined && Function.prototype.toString.call(m.oldClass).includes(cell) ? cell : undefined;
}

/** Every module binding the program will hold after commit, as walk roots (old classes count as app classes too). */
function newStateWalk(runtime: Runtime, stage: Stage): ReachableWalk {
  const records = [...runtime.graph.records.values()];
  const next = [...records.map((r) => stage.instances.get(r.id) ?? r.current), ...[...stage.instances].filter(([id]) => !runtime.graph.records.has(id)).map(([, i]) => i)];
  return stateWalk(next, records.map((r) => r.current));
}

/**
 * The synchronous commit. First what can still fail: eager transformers run
 * on every instance as it is now (their results are applied only once all
 * have succeeded). Nothing after that can leave a mix of versions.
 */
export function commitReload(runtime: Runtime, reload: PreparedReload): void {
  const graph = runtime.graph;
  // New instances are not visible yet: setting their bindings again changes nothing the program sees.
  for (const run of reload.rerun.values()) run();
  const eager = reload.migrations.filter((m) => m.mode === 'eager' && m.transformer && !m.watch);
  for (const m of reload.migrations) if (m.watch) m.collectFound();
  if (eager.length > 0) {
    const seen = new Set<object>();
    const visit = (value: object) => {
      if (seen.has(value)) return;
      seen.add(value);
      for (const m of eager) {
        if (m.isStraggler(value)) m.catchUp(value);
        if (m.isOldInstance(value)) m.collect(value);
      }
    };
    newStateWalk(runtime, reload.stage).step(visit);
    for (const m of eager) for (const value of m.heldElsewhere) visit(value);
    for (const m of eager) m.heldElsewhere = [];
  }
  for (const [id, instance] of reload.stage.instances) {
    const record = graph.records.get(id);
    const ns = reload.stage.namespaces.get(id)!;
    if (record) {
      reload.replaced.set(id, record.current);
      record.current = instance;
      pointNamespace(record.namespace, instance.exports);
      record.views.add(new WeakRef(ns));
    } else {
      const added: ModuleRecord = { id, current: instance, namespace: ns, evaluation: Promise.resolve(), views: new Set() };
      graph.records.set(id, added);
    }
  }
  const released = [...reload.replaced.values()];
  for (const id of reload.removed) {
    const old = graph.records.get(id)?.current;
    if (old) released.push(old);
    graph.records.delete(id);
  }
  for (const record of graph.records.values()) syncViews(record);
  // The old instances' bodies now live only as long as some old closure can call them.
  for (const old of released) releaseCells(old.compiled.slots.map((s) => s.cell), old.ext);
  for (const m of reload.migrations) m.commit();
  reload.takeover.commit();
}

/** Staging namespaces that new instances captured follow their module from now on. */
export function syncViews(record: ModuleRecord): void {
  for (const ref of record.views) {
    const view = ref.deref();
    if (view === undefined || view === record.namespace) record.views.delete(ref);
    else pointNamespace(view, record.current.exports);
  }
}

/** After commit: the lazy sweep migrates the rest in slices that keep the event loop turning. */
const SWEEP_WATCHDOG_MS = 1000;

export function startLazySweep(runtime: Runtime, migrations: readonly ClassMigration[], onDone: (ms: number) => void): void {
  const lazy = migrations.filter((m) => m.mode === 'lazy');
  if (lazy.length === 0) return;
  const started = performance.now();
  const walk = stateWalk([...runtime.graph.records.values()].map((r) => r.current));
  const slice = () => {
    const until = performance.now() + 4;
    let more = true;
    try {
      // Under the watchdog: a transformer that loops on a value changed since prepare is interrupted
      // (that instance is marked failed and keeps its old fields) and the sweep goes on.
      more = guarded('a lazy class transformer', SWEEP_WATCHDOG_MS, () => {
        let left = true;
        while (left && performance.now() < until) left = walk.step((v) => lazy.forEach((m) => m.visit(v)), 2000);
        return left;
      });
    } catch (error) {
      const stuck = lazy.some((m) => m.interrupted(error));
      // migrate() keeps a transformer's failure on the migration; anything else stops the sweep, not the program.
      more = stuck;
    }
    if (more) setImmediate(slice);
    else onDone(performance.now() - started);
  };
  setImmediate(slice);
}

