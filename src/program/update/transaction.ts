import { BatonError, toErrorData } from '../../protocol/errors.js';
import type { ModuleReport, UpdateOutcome } from '../../protocol/outcome.js';
import type { VersionInfo } from '../../protocol/messages.js';
import { loadUpdateSpec } from '../state/load-spec.js';
import type { UpdateSpec } from '../state/update-spec.js';
import type { ClassMigration } from '../state/class-migration.js';
import { guarded } from '../state/watchdog.js';
import type { Linker } from '../runner/module-graph.js';
import { liveBindings } from '../runner/live-bindings.js';
import { resolveImport } from '../runner/resolve.js';
import { LoopSlices } from '../runner/yield-to-loop.js';
import { commitPatch, preparePatchInSlices, withFramesInFlight, type PreparedPatch } from './patch.js';
import { commitLive, prepareLive, type LiveCommit, type PreparedLive } from './live.js';
import { prepareInPlace, type InPlaceState } from './in-place.js';
import { constructorCell, prepareMigrations, programWalk, startLazySweep } from './migrations.js';
import { framesError, type SuspendedFrames } from './frames-gate.js';
import type { PauseMeter } from './pause-meter.js';
import { StagedEffects } from './staged-effects.js';
import type { PreparedModule, PreparedVersion } from './prepare.js';
import { commitNewModules, disposeRemoved, evaluateNewModules, stageNewModules, type StagedModules } from './new-modules.js';
import { Stage } from './stage.js';
import { Relocation } from './relocate.js';
import { failure, liveReasons } from './reports.js';
import type { Runtime } from './runtime.js';
import type { Deadline } from './deadline.js';

/** What a transaction is given once the update has been planned and nothing refused it. */
export interface TransactionInput {
  readonly runtime: Runtime;
  readonly prepared: PreparedVersion;
  /** The prepared modules that change, in the plan's order. */
  readonly changed: readonly PreparedModule[];
  /** Their reports as planned (`initialReport`); prepare adds what the update file asks, the commit what ran. */
  readonly planned: readonly ModuleReport[];
  readonly direction: 'forward' | 'back';
  /** back: the reverse transformers the rollback applies (the current version's, or `--update-file`'s). */
  readonly reverse: UpdateSpec | undefined;
  readonly deadline: Deadline;
  readonly meter: PauseMeter;
  /** Frames suspended in old code of modules whose state changes shape: none may be left at commit. */
  readonly suspended: () => SuspendedFrames[];
}

/**
 * One update from prepare to the report: the only writer of the live
 * modules' versions and of the runtime's history while it runs.
 * - `prepare` does everything that can fail without changing what runs:
 *   compiles new bodies, stages and evaluates new modules (their timers held),
 *   loads the update file, runs transformers on the values of that moment.
 * - `commit` is one synchronous stretch: what can throw runs first and undoes
 *   itself; then slots swap.
 * - Either step that fails goes through `abort`, the one way back: what the
 *   staged modules started is stopped, construction watches end, the staging
 *   is discarded.
 * - `finish`, after the commit: accept callbacks, `run` entries, moved
 *   modules' ids, the version history, the report.
 */
export class UpdateTransaction {
  private readonly runtime: Runtime;
  private readonly meter: PauseMeter;
  private readonly from: VersionInfo;
  private modules: ModuleReport[];
  private readonly warnings: string[] = [];
  private patches: PreparedPatch[] = [];
  private lives: PreparedLive[] = [];
  private staged: StagedModules | undefined;
  private spec: UpdateSpec | undefined;
  private inPlace: InPlaceState | undefined;
  /** What the staged new modules start (timers, servers, listeners) is stopped if the update aborts. */
  private readonly effects: StagedEffects;
  /** What prepare set up that must end if the update never commits (construction watches). */
  private readonly onAbort: Array<() => void> = [];
  private migrations: ClassMigration[] = [];
  /** Modules moving to the new version's directory, and what they compute from it. */
  private relocation: Relocation | undefined;

  constructor(private readonly input: TransactionInput) {
    this.runtime = input.runtime;
    this.meter = input.meter;
    this.from = input.runtime.info().version;
    this.modules = [...input.planned];
    this.effects = new StagedEffects(input.changed.filter((m) => m.change.kind === 'added' && m.file).map((m) => m.file!));
  }

  /** Undefined when everything is prepared; else the outcome (refused for a bad update file, aborted otherwise). */
  async prepare(): Promise<UpdateOutcome | undefined> {
    try {
      // Staging that finishes after the deadline is discarded (its instances' dispose hooks run).
      await this.input.deadline.race(this.prepareAll(), (late) => {
        this.stopWatches();
        return late?.stage.discard();
      });
      this.input.deadline.enter('commit');
      return undefined;
    } catch (error) {
      await this.abort();
      if (error instanceof BatonError && error.code === 'E_UPDATE_FILE') return { status: 'refused', from: this.from, reason: toErrorData(error), modules: this.modules };
      return this.aborted(error);
    }
  }

  private async prepareAll(): Promise<StagedModules | undefined> {
    const { runtime, changed, deadline, prepared } = this.input;
    deadline.enter('evaluate');
    // New bodies compile in each running module's scope before anything changes, in slices of the event loop.
    const slices = new LoopSlices();
    for (const m of changed) {
      if (m.change.kind === 'patch') this.patches.push(await preparePatchInSlices(m.id, runtime.graph.records.get(m.id)!.current, m.compiled!, slices));
    }
    // New modules are linked now and evaluated late (below), so a failure before then runs none of their code.
    if (changed.some((m) => m.change.kind === 'added' || m.change.kind === 'removed')) this.staged = stageNewModules(runtime, prepared.root, changed, deadline);
    const staged = this.staged;
    // What new modules start (an update file importing one evaluates it early) is stopped if the update aborts.
    if (staged) this.effects.start();
    deadline.enter('transform');
    // Each step below starts on a turn of its own once the current one has run its share (LoopSlices): on a
    // first update their code runs cold, and back to back they made one block of 10-13 ms (CPU profile, load 5).
    await slices.next();
    this.spec = this.input.direction === 'back' ? this.input.reverse : await loadUpdateSpec(runtime.graph, prepared.root, staged?.stage ?? runtime.graph, deadline.remaining());
    deadline.check();
    // Live modules, with what the update file asks of them (run, reinit, classes) and their new imports linked.
    this.lives = await prepareLives(changed, runtime, this.spec, staged?.stage ?? runtime.graph, slices);
    this.relocation = Relocation.prepare(runtime.graph, prepared.modules);
    await slices.next();
    for (const live of this.lives) this.modules = this.modules.map((m) => (m.id === live.record.id ? { ...m, reasons: liveReasons(live) } : m));
    const migrating = new Set(this.lives.flatMap((l) => l.migrations.map((m) => `${l.record.id}:${m.name}`)));
    // The watchdog only where transformers run: starting one is a synchronous stretch of its own
    // (measured 0.35 ms idle, several ms on a loaded machine), the longest a patch made.
    // Classes declared again are their migrations' work (below), not in-place work: a lazy migration at 1M
    // instances paid 10-14 ms (load 5-15) for a watchdog here that guarded nothing.
    const inPlaceClasses = Object.entries(this.spec?.classes ?? {}).some(([id, cs]) => Object.keys(cs).some((name) => !migrating.has(`${id}:${name}`)));
    const transforms = Object.keys(this.spec?.bindings ?? {}).length > 0 || inPlaceClasses;
    this.inPlace = guarded('the in-place transformers', transforms ? deadline.remaining() : 0, () => prepareInPlace(runtime, this.spec, (id, name) => migrating.has(`${id}:${name}`), staged?.stage.instances));
    await slices.next();
    // New modules may await at their top level: past the deadline the update aborts, and
    // whatever the staging still does later is never committed; what it started is stopped.
    // Before the class-migration checks, whose heap pass is the costly part of prepare: an
    // update whose new module fails is refused without paying for it.
    if (staged) {
      await evaluateNewModules(staged, deadline, this.effects);
      this.effects.stop();
    }
    deadline.enter('transform');
    await slices.next();
    await prepareMigrations(this.walk, this.lives.flatMap((l) => l.migrations), this.warnings, deadline, (m) => constructorCell(runtime, m), (stop) => this.onAbort.push(stop));
    deadline.enter('dispose');
    // Last, once nothing else can fail.
    if (staged) await disposeRemoved(runtime, staged.removed);
    return staged;
  }

  /** Its visitors (class transformer checks, eager collection with its own dedupe) may meet a leaf twice. */
  private readonly walk = () => programWalk(this.runtime, this.staged?.stage.instances.values() ?? [], true);

  /**
   * The commit: one synchronous stretch. What can throw (an eager transformer
   * on the values of the moment, a new binding's initializer) runs first and
   * undoes itself; slot stores cannot fail. It starts on a turn of its own, so
   * the work before it (the last module compiled, bodies evaluated) is not
   * added to it, and it is timed to the next turn. Undefined when committed.
   */
  async commit(): Promise<UpdateOutcome | undefined> {
    const { runtime, prepared, deadline } = this.input;
    await this.meter.turn();
    const inFlight = new Map<string, Map<string, number>>();
    const started = performance.now();
    const liveCommits: Array<[string, LiveCommit]> = [];
    const rootBefore = runtime.graph.root;
    try {
      // Under the watchdog: new initializers and transformers run here on the values of the moment. A
      // commit that runs no code of the program's (a patch; a class declared again with no static code, a lazy
      // or methods-only migration, constants recomputed: PreparedLive.runsCode) skips it (its thread's start and join).
      const runsCode = this.lives.some((l) => l.runsCode) || this.staged !== undefined || (this.inPlace?.reports.length ?? 0) > 0 || (this.relocation?.recomputed.length ?? 0) > 0;
      // A frame may have been suspended while the update prepared: it would meet the new shape.
      const left = this.input.suspended();
      if (left.length > 0) throw framesError(left);
      guarded('the commit', runsCode ? deadline.remaining() : 0, () => {
        // Transformers of the values of the moment: may throw, changes nothing.
        this.inPlace?.recompute();
        // Live modules: their new bindings' initializers may throw, and undo themselves.
        // New code resolves from the new version's tree (a CommonJS module's new `require` of a new file).
        runtime.graph.root = prepared.root;
        // Every module's location is the new version's before its new code runs, and what the modules computed
        // from it is computed again (may throw: a file the new release lacks); a live module's changed initializer
        // below then reads the new values.
        this.relocation?.move();
        this.relocation?.recompute();
        // Imported modules first: a table recomputed in an importer reads the functions its imports declare again.
        // Each kept before it is applied: an interrupted apply (the watchdog) runs no catch of its own, so the undo below covers it.
        for (const live of dependencyOrder(runtime, this.lives)) {
          const commit = commitLive(live);
          liveCommits.push([live.record.id, commit]);
          commit.apply(this.walk);
        }
        // The program hook reads and sets new bindings, so it runs once they exist; `old` is what held before.
        const byId = new Map(liveCommits);
        this.inPlace?.runHook((id, name) => {
          const before = byId.get(id)?.before(name);
          if (before) return before.value;
          const record = runtime.graph.records.get(id);
          return record ? liveBindings(record.current).bindings[name]?.[0]() : undefined;
        });
        if (this.staged) commitNewModules(runtime, this.staged);
        this.inPlace?.commit();
      });
    } catch (error) {
      runtime.graph.root = rootBefore;
      this.relocation?.undo();
      for (const [, c] of liveCommits.reverse()) c.undo();
      this.meter.stretch(performance.now() - started, true);
      await this.abort();
      return this.aborted(error);
    }
    for (const [id, c] of liveCommits) {
      c.finish();
      inFlight.set(id, c.inFlight);
      this.migrations.push(...c.migrations);
    }
    for (const p of this.patches) inFlight.set(p.id, commitPatch(p));
    runtime.graph.root = prepared.root;
    this.meter.stretch(performance.now() - started, true);
    // The new modules' timers that came due while the update prepared run now, with the new exports in place.
    this.effects.commit();
    this.modules = this.modules.map((m) => (inFlight.has(m.id) ? { ...m, functions: withFramesInFlight(m.functions, inFlight.get(m.id)!) } : m));
    // What follows (the program's accept callbacks, the version's bookkeeping, the report) is not part of the commit.
    await this.meter.turn();
    return undefined;
  }

  /** After the commit: the program's callbacks, the version's bookkeeping, the report. */
  async finish(): Promise<UpdateOutcome> {
    const { runtime, prepared, changed } = this.input;
    this.runAfterCommit();
    // Moved modules take their new ids: the new version's importers and update files name them so.
    for (const m of changed) {
      if (!m.movedTo) continue;
      runtime.graph.rename(m.id, m.movedTo);
      this.modules = this.modules.map((r) => (r.id === m.id ? { ...r, id: m.movedTo!, reasons: [`moved from ${m.id}`, ...r.reasons] } : r));
    }
    const to = runtime.versionInfo(prepared.root);
    // Reads, on a first update, the files of modules no update has read yet: a wait, not a block.
    await this.meter.wait(this.recordVersion(to));
    runtime.pruneSources();
    await this.meter.turn();
    this.mergeReports();
    if (this.migrations.length > 0) {
      runtime.keepMigrations(this.migrations);
      const lazy = this.migrations.filter((m) => m.mode === 'lazy');
      if (lazy.length > 0) {
        const entries = lazy.map((migration) => ({ migration, doneMs: null as number | null }));
        runtime.sweeps = entries;
        startLazySweep(runtime, lazy, (ms) => entries.forEach((e) => (e.doneMs = ms)));
      }
    }
    return { status: 'applied', from: this.from, to, modules: this.modules, warnings: this.warnings, timing: this.meter.timing(), compiled: prepared.compiled };
  }

  /** Accept callbacks of modules changed live get their new exports; then the statements the update file's `run` names, once. */
  private runAfterCommit(): void {
    for (const live of this.lives) {
      const record = this.runtime.graph.records.get(live.record.id);
      for (const accept of live.record.current.hot.acceptors) {
        try {
          if (record) accept(record.namespace);
        } catch (error) {
          this.warnings.push(`${live.record.id}: an import.meta.hot.accept callback threw after the update was applied: ${(error as Error).message}`);
        }
      }
    }
    for (const live of this.lives) {
      for (const r of live.runAfter) {
        try {
          r.run();
        } catch (error) {
          this.warnings.push(`${live.record.id}: a statement the update file asked to run threw after the update was applied: ${(error as Error).message}`);
        }
      }
    }
  }

  /** Forward: the version that ran becomes the newest one rollback returns to. Back: the previous one is current again. */
  private async recordVersion(to: VersionInfo): Promise<void> {
    const runtime = this.runtime;
    if (this.input.direction === 'forward') {
      runtime.previous.push(runtime.current);
      // Each version keeps its transformer file alive; rollback reaches back this far.
      if (runtime.previous.length > MAX_ROLLBACK_DEPTH) runtime.previous.shift();
      runtime.current = { info: to, spec: this.spec, files: await runtime.snapshot() };
    } else {
      const back = runtime.previous.pop() ?? { info: to, spec: undefined, files: await runtime.snapshot() };
      runtime.current = { ...back, info: to };
    }
  }

  /**
   * A module changed live whose state a transformer also changed has one report, with both; migrated classes
   * join theirs; bindings computed again for a new directory join their module's (a module the update did not
   * change otherwise gets a report of its own, as in-place transformers give one).
   */
  private mergeReports(): void {
    for (const { id, names } of this.relocation?.recomputed ?? []) {
      const bindings = names.map((name) => ({ name, how: 'fresh' as const, note: "computed again for the module's new directory (it reads where the module is)" }));
      const same = this.modules.find((m) => m.id === id);
      if (same) this.modules = this.modules.map((m) => (m === same ? { ...m, bindings: [...m.bindings, ...bindings] } : m));
      else this.modules.push({ id, mechanism: 'state', functions: [], reasons: ['moved to the new version\'s directory'], bindings, classes: [] });
    }
    for (const r of this.inPlace?.reports ?? []) {
      const same = this.modules.find((m) => m.id === r.id);
      if (same) this.modules = this.modules.map((m) => (m === same ? { ...m, bindings: [...m.bindings, ...r.bindings], classes: [...m.classes, ...r.classes] } : m));
      else this.modules.push(r);
    }
    this.modules = this.modules.map((m) => {
      const mine = this.migrations.filter((c) => c.moduleId === m.id);
      return mine.length > 0 ? { ...m, classes: [...m.classes, ...mine.map((c) => ({ name: c.name, instances: c.migrated, mode: c.mode }))] } : m;
    });
  }

  /** The one way back, from prepare or from a commit that undid itself. */
  private async abort(): Promise<void> {
    this.effects.discard();
    this.stopWatches();
    await this.staged?.stage.discard();
  }

  private stopWatches(): void {
    for (const stop of this.onAbort) stop();
  }

  private aborted(error: unknown): UpdateOutcome {
    return { status: 'aborted', from: this.from, reason: failure(error), modules: this.modules, timing: this.meter.timing() };
  }
}

const MAX_ROLLBACK_DEPTH = 32;

/**
 * The live modules' prepared changes, with what the update file asks of them
 * (`run`, `reinit`). An entry for a module this update does not change live
 * is an error in the update file: it would silently do nothing.
 */
async function prepareLives(changed: readonly PreparedModule[], runtime: Runtime, spec: UpdateSpec | undefined, linker: Linker, slices: LoopSlices): Promise<PreparedLive[]> {
  const byId = new Map(changed.map((m) => [m.id, m]));
  for (const [section, entries] of [['run', spec?.run], ['reinit', spec?.reinit]] as const) {
    for (const id of Object.keys(entries ?? {})) {
      const kind = byId.get(id)?.change.kind;
      if (kind === 'live' || kind === 'added') continue;
      throw new BatonError('E_UPDATE_FILE', `${section}: '${id}' ${kind ? `only changes by ${kind} in this update` : 'is not a module of the running program'}, so it has no new statement or binding to ${section}`, `remove the entry, or name a module \`baton diff\` shows as changed live`);
    }
  }
  const out: PreparedLive[] = [];
  for (const m of changed) {
    if (m.change.kind !== 'live') continue;
    // Each module's evaluations (new declarations, members, initializers) on a turn of its own when due.
    await slices.next();
    const record = runtime.graph.records.get(m.id)!;
    // A new import leads to a module the program runs, a new module staged by this update, or a package.
    const links: Array<readonly [string, object]> = [];
    for (const specifier of m.change.plan.importsAdded) {
      const resolved = resolveImport(specifier, m.file!);
      links.push([specifier, linker instanceof Stage ? await linker.linkLater(resolved, record.current) : await linker.link(resolved, record.current)]);
    }
    out.push(prepareLive(record, m.compiled!, m.change.plan, { run: spec?.run?.[m.id], reinit: spec?.reinit?.[m.id], classes: spec?.classes?.[m.movedTo ?? m.id], links }));
  }
  return out;
}

/** Live modules with the live modules each imports (or newly imports) before it; a cycle is cut where it closes. */
function dependencyOrder(runtime: Runtime, lives: readonly PreparedLive[]): PreparedLive[] {
  const idOf = new Map<object, string>([...runtime.graph.records.values()].map((r) => [r.namespace, r.id]));
  const byId = new Map(lives.map((l) => [l.record.id, l]));
  const out: PreparedLive[] = [];
  const seen = new Set<string>();
  const visit = (live: PreparedLive) => {
    if (seen.has(live.record.id)) return;
    seen.add(live.record.id);
    for (const ns of [...live.record.current.deps.values(), ...live.links.map(([, target]) => target)]) {
      const dep = byId.get(idOf.get(ns) ?? '');
      if (dep) visit(dep);
    }
    out.push(live);
  };
  lives.forEach(visit);
  return out;
}
