import type { Runtime } from './runtime.js';
import type { ClassMigration } from '../state/class-migration.js';
import { stateWalk, type ReachableWalk } from '../state/reachable.js';
import { instancesOf } from '../state/instances.js';
import { ConstructionWatch } from '../state/construction-watch.js';
import type { Deadline } from './deadline.js';
import { guarded } from '../state/watchdog.js';
import { liveBindings } from '../runner/live-bindings.js';

/**
 * Every module binding the program holds (live-added ones too), as walk
 * roots; `extra` adds instances not in the graph yet (staged new modules).
 * `revisitLeaves` for visitors that do nothing the second time (ReachableWalk).
 */
export function programWalk(runtime: Runtime, extra: Iterable<Parameters<typeof liveBindings>[0]> = [], revisitLeaves = false): ReachableWalk {
  const roots = [...[...runtime.graph.records.values()].map((r) => liveBindings(r.current)), ...[...extra].map(liveBindings)];
  return stateWalk(roots, [], revisitLeaves);
}

/**
 * Checks class transformers before commit without changing anything: for
 * lazy classes, on a sample (the walk stops once every lazy class has one);
 * for eager ones, on every instance, in slices that let the event loop turn.
 * Lazy falls back to eager where it could let new code read an old-shaped
 * field. An eager class whose constructor is in a slot cell (`cellOf`) keeps
 * its results for the commit (ClassMigration.collectFound), and has its
 * constructor watched from the heap query on, so the commit finds every
 * instance without searching again; `onAbort` stops the watch if the update
 * never commits.
 */
/**
 * Values per walk step between two looks at the clock. A step runs the
 * transformer on each instance it meets, and the first update runs it cold
 * (interpreted, through the old-state view): 500 values per step made one
 * 4 ms slice last 40 ms at 1,000 instances.
 */
const STEP_VALUES = 64;

/**
 * How long one slice of transformer work (the checks in prepare, the lazy
 * sweep) runs before the loop turns. Whatever else lands in the same turn
 * adds to it: a young-generation GC promoting what the migration allocates
 * (the new fields' storage), the watchdog's thread start and join. With 4 ms
 * slices those blocks ran 4-6.4 ms of CPU each at 1M instances (the
 * program's thread's own run time, /proc schedstat, load 5), too close to a
 * 10 ms pause target once a scavenge of a few ms joins them.
 */
const SLICE_MS = 2;

export async function prepareMigrations(
  walk: () => ReachableWalk,
  migrations: readonly ClassMigration[],
  warnings: string[],
  deadline: Deadline,
  cellOf: (m: ClassMigration) => string | undefined,
  onAbort: (stop: () => void) => void,
): Promise<void> {
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
  // before that pass over the heap (seconds on a large heap).
  const walked = active.filter((m) => m.mode === 'lazy' || cellOf(m) === undefined);
  const sampled = active.filter((m) => !walked.includes(m));
  const states = walk();
  const tried = new Set<ClassMigration>();
  const unsampled = () => tried.size < sampled.length;
  let more = walked.length > 0 || unsampled();
  while (more) {
    deadline.check();
    more = guarded('a class transformer', deadline.remaining(), () => {
      const until = performance.now() + SLICE_MS;
      let left = true;
      while (left && performance.now() < until && (walked.length > 0 || unsampled())) {
        left = states.step((value) => {
          for (const m of walked) {
            if (m.mode === 'lazy' && !m.sample && m.isOldInstance(value)) m.sample = value;
            m.check(value);
          }
          for (const m of sampled) {
            if (tried.has(m) || !m.isOldInstance(value)) continue;
            tried.add(m);
            m.check(value);
          }
        }, STEP_VALUES);
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
    const cell = walked.includes(m) ? undefined : cellOf(m);
    const watch = cell === undefined ? undefined : ConstructionWatch.start(cell);
    if (watch) {
      m.watch = watch;
      onAbort(() => watch.stop());
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
export function constructorCell(runtime: Runtime, m: ClassMigration): string | undefined {
  const path = `${m.oldClass.name}.constructor`;
  const cell = runtime.graph.records.get(m.moduleId)?.current.compiled.slots.find((s) => s.path === path)?.cell;
  // The class's compiled text names the cell its constructor stub calls: the path matched this class.
  return cell !== undefined && Function.prototype.toString.call(m.oldClass).includes(cell) ? cell : undefined;
}

/**
 * At commit, before anything is applied: eager transformers run on every old
 * instance as it is now (a value computed in prepare could be stale). May
 * throw; changes nothing until the migrations commit.
 */
export function collectEager(migrations: readonly ClassMigration[], walk: () => ReachableWalk): void {
  // Watched classes apply what prepare computed, plus what was constructed since.
  for (const m of migrations) if (m.watch) m.collectFound();
  const eager = migrations.filter((m) => m.mode === 'eager' && m.transformer && !m.watch);
  if (eager.length === 0) return;
  const seen = new Set<object>();
  const visit = (value: object) => {
    if (seen.has(value)) return;
    seen.add(value);
    for (const m of eager) {
      if (m.isStraggler(value)) m.catchUp(value);
      if (m.isOldInstance(value)) m.collect(value);
    }
  };
  walk().step(visit);
  for (const m of eager) for (const value of m.heldElsewhere) visit(value);
  for (const m of eager) m.heldElsewhere = [];
}

/** After commit: the lazy sweep migrates the rest in slices that keep the event loop turning. */
const SWEEP_WATCHDOG_MS = 1000;

export function startLazySweep(runtime: Runtime, migrations: readonly ClassMigration[], onDone: (ms: number) => void): void {
  const lazy = migrations.filter((m) => m.mode === 'lazy');
  if (lazy.length === 0) return;
  const started = performance.now();
  // Migrating an instance twice does nothing the second time.
  const walk = programWalk(runtime, [], true);
  const slice = () => {
    const until = performance.now() + SLICE_MS;
    let more = true;
    try {
      // Under the watchdog: a transformer that loops on a value changed since prepare is interrupted
      // (that instance is marked failed and keeps its old fields) and the sweep goes on.
      more = guarded('a lazy class transformer', SWEEP_WATCHDOG_MS, () => {
        let left = true;
        while (left && performance.now() < until) left = walk.step((v) => lazy.forEach((m) => m.visit(v)), STEP_VALUES);
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
