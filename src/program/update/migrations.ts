import type { Runtime } from './runtime.js';
import type { ClassMigration } from '../state/class-migration.js';
import { stateWalk, type ReachableWalk } from '../state/reachable.js';
import { instancesOf } from '../state/instances.js';
import type { Deadline } from './deadline.js';
import { guarded } from '../state/watchdog.js';
import { liveBindings } from '../runner/live-bindings.js';

/**
 * Every module binding the program holds (live-added ones too), as walk
 * roots; `extra` adds instances not in the graph yet (staged new modules).
 */
export function programWalk(runtime: Runtime, extra: Iterable<Parameters<typeof liveBindings>[0]> = []): ReachableWalk {
  const roots = [...[...runtime.graph.records.values()].map((r) => liveBindings(r.current)), ...[...extra].map(liveBindings)];
  return stateWalk(roots);
}

/**
 * Checks class transformers before commit without changing anything: for
 * lazy classes, on a sample (the walk stops once every lazy class has one);
 * for eager ones, on every instance, in slices that let the event loop turn.
 * Lazy falls back to eager where it could let new code read an old-shaped
 * field.
 */
export async function prepareMigrations(walk: () => ReachableWalk, migrations: readonly ClassMigration[], warnings: string[], deadline: Deadline): Promise<void> {
  const active = migrations.filter((m) => m.transformer);
  if (active.length === 0) return;
  const lazy = active.filter((m) => m.mode === 'lazy');
  // Every transformer, lazy ones too, runs on every instance reachable now, in
  // slices, so that one failing on any of them aborts here, before commit, and
  // never in a lazy trap or the sweep after "applied". Each slice runs under
  // the watchdog: a transformer that loops is interrupted.
  const states = walk();
  let more = true;
  while (more) {
    deadline.check();
    more = guarded('a class transformer', deadline.remaining(), () => {
      const until = performance.now() + 4;
      let left = true;
      while (left && performance.now() < until) {
        left = states.step((value) => {
          for (const m of active) {
            if (m.mode === 'lazy' && !m.sample && m.isOldInstance(value)) m.sample = value;
            m.check(value);
          }
        }, 500);
      }
      return left;
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
    const found = instancesOf(m.oldClass.prototype as object);
    m.heldElsewhere = found;
    for (let i = 0; i < found.length; i += 2000) {
      deadline.check();
      const slice = found.slice(i, i + 2000);
      guarded('a class transformer', deadline.remaining(), () => {
        for (const value of slice) m.check(value);
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * At commit, before anything is applied: eager transformers run on every old
 * instance as it is now (a value computed in prepare could be stale). May
 * throw; changes nothing until the migrations commit.
 */
export function collectEager(migrations: readonly ClassMigration[], walk: () => ReachableWalk): void {
  const eager = migrations.filter((m) => m.mode === 'eager' && m.transformer);
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
  const walk = programWalk(runtime);
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
