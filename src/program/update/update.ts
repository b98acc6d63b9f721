import { resolve } from 'node:path';
import { changedDependencies, type ModuleImports } from '../../compare/dependencies.js';
import { resolvedLocation, resolveImport } from '../runner/resolve.js';
import { transformedClasses, transformedClassesOf, transformedModules, transformedModulesOf } from '../../compare/update-file-scan.js';
import { scanUpdateFileAhead } from './off-thread-parse.js';
import { BatonError, toErrorData, type ErrorData } from '../../protocol/errors.js';
import { loadUpdateSpec, loadUpdateSpecFile } from '../state/load-spec.js';
import type { UpdateSpec } from '../state/update-spec.js';
import type { ModuleReport, UpdateOutcome } from '../../protocol/outcome.js';
import { commitPatch, preparePatchInSlices, withFramesInFlight, type PreparedPatch } from './patch.js';
import { LoopSlices } from '../runner/yield-to-loop.js';
import { commitLive, prepareLive, type LiveCommit, type PreparedLive } from './live.js';
import { describeLive, firstLineOf } from '../../compare/live-plan.js';
import { prepareInPlace, type InPlaceState } from './in-place.js';
import { collectEager, constructorCell, prepareMigrations, programWalk, startLazySweep } from './migrations.js';
import type { ClassMigration } from '../state/class-migration.js';
import { framesError, framesToSettle, settleFrames } from './frames-gate.js';
import { PauseMeter } from './pause-meter.js';
import { StagedEffects } from './staged-effects.js';
import { prepareVersion, type PreparedModule } from './prepare.js';
import { commitNewModules, disposeRemoved, evaluateNewModules, stageNewModules, type StagedModules } from './new-modules.js';
import type { Linker } from '../runner/module-graph.js';
import { Stage } from './stage.js';
import { liveBindings } from '../runner/live-bindings.js';
import type { Runtime } from './runtime.js';
import { Deadline } from './deadline.js';
import type { UpdatePhase } from '../../protocol/messages.js';
import { guarded } from '../state/watchdog.js';

export interface UpdateOptions {
  readonly dryRun: boolean;
  /** How long the update may take. */
  readonly timeoutMs: number;
  /** Apply although a package resolves to another version than the running one. */
  readonly allowDependencyChange?: boolean;
  /** forward: the new version's transformers; back: the current version's `reverse` (rollback). */
  readonly direction: 'forward' | 'back';
  /** back only: a transformer file whose `reverse` replaces the current version's (`rollback --update-file`). */
  readonly updateFile?: string;
  /** Told when the update enters each phase (for `baton status`). */
  readonly onPhase?: (phase: UpdatePhase) => void;
}

/**
 * One update, start to end: plan against the code that runs, refuse what
 * cannot be done, prepare everything that can fail, then commit patches,
 * live changes and new modules together in one synchronous step. Returns data, never throws for
 * an expected failure.
 */
export async function runUpdate(runtime: Runtime, dir: string, options: UpdateOptions): Promise<UpdateOutcome> {
  const meter = new PauseMeter();
  const from = runtime.info().version;
  let modules: ModuleReport[] = [];
  const refuse = (reason: ErrorData): UpdateOutcome => ({ status: 'refused', from, reason, modules });
  // Every phase has a deadline; what a phase waits for may never settle, so it is raced, not awaited.
  const deadline = new Deadline(options.timeoutMs, options.onPhase);
  let prepared;
  // A rollback transforms what the current version's reverse section names; an update, what its own file names.
  const scan = options.direction === 'back' ? undefined : await scanUpdateFileAhead(resolve(dir));
  const transformed = options.direction === 'back' ? transformedModules(runtime.current.spec?.reverse) : transformedModulesOf(scan);
  const classes = options.direction === 'back' ? transformedClasses(runtime.current.spec?.reverse) : transformedClassesOf(scan);
  try {
    prepared = await deadline.race(prepareVersion(runtime.graph, dir, runtime.entryId, classes), () => undefined);
  } catch (error) {
    return refuse(toErrorData(error));
  }
  const changed = prepared.modules.filter((m) => m.change.kind !== 'unchanged');
  modules = changed.map(initialReport);
  // Module code runs once: a change the live module cannot take is refused, never made by evaluating the module again.
  const blocked = changed.filter((m) => m.change.kind === 'blocked');
  if (blocked.length > 0) {
    const where = blocked.map((m) => `${m.file ?? m.id}: ${m.change.kind === 'blocked' ? m.change.reasons.join('; ') : ''}`).join('; ');
    return refuse({
      code: 'E_NOT_LIVE',
      message: `${where}: baton changes a running module only in place, and cannot make this change there`,
      hint: `write the change so that each top-level name keeps its own declaration statement (or rename it), or hand the program off to a new process, which takes the state and the sockets: \`baton update ${runtime.name} ${dir} --handoff\``,
    });
  }
  const declined = changed.filter((m) => m.change.kind !== 'patch' && runtime.graph.records.get(m.id)?.current.hot.declined);
  if (declined.length > 0) {
    return refuse({ code: 'E_DECLINED', message: `${declined.map((m) => m.id).join(', ')} called import.meta.hot.decline() and this update changes it structurally`, hint: 'restart the program for this release, or remove the decline() call in a release that can be patched' });
  }
  let reverse = options.direction === 'back' ? runtime.current.spec?.reverse : undefined;
  if (options.direction === 'back' && options.updateFile) {
    // Reverse transformers written after the update was applied, given at rollback time.
    try {
      reverse = (await loadUpdateSpecFile(runtime.graph, options.updateFile, runtime.graph))?.reverse;
    } catch (error) {
      return refuse(toErrorData(error));
    }
    if (!reverse) return refuse({ code: 'E_NO_REVERSE', message: `${options.updateFile} has no \`reverse: { ... }\` section`, hint: 'add one (`baton diff --stubs` writes reverse stubs beside the forward ones), then run the rollback again' });
  }
  if (options.direction === 'back') {
    const missing = needsReverse(runtime.current.spec);
    if (missing.length > 0 && !reverse) {
      return refuse({ code: 'E_NO_REVERSE', message: `the current version transformed ${missing.join(', ')} and its baton.update.ts has no reverse transformers`, hint: 'write a file with `reverse: { ... }` transformers for them (`baton diff --stubs <old> <new>` writes stubs) and pass it: `baton rollback <target> --update-file <file>`; or update forward to a fixed version instead' });
    }
  }
  if (!options.allowDependencyChange) {
    const deps = changedDependencies(packageImports(runtime, prepared.modules), resolvedLocation);
    if (deps.length > 0) {
      return refuse({
        code: 'E_DEPENDENCY_CHANGED',
        message: `the new version resolves ${deps.map((d) => `${d.name} ${d.from} -> ${d.to}`).join(', ')}: objects the old package created keep its code, and the program would run both`,
        hint: `hand it off to a new process, which takes the state and the sockets: \`baton update ${runtime.name} ${dir} --handoff\`; or give --allow-dependency-change if the two versions may coexist`,
      });
    }
  }
  const unslottable = changed.filter((m) => m.compiled?.unslottable && runtime.graph.records.has(m.id));
  if (unslottable.length > 0) {
    const where = unslottable.map((m) => `${m.id} uses ${m.compiled!.unslottable!.construct} at line ${m.compiled!.unslottable!.line}`).join('; ');
    return refuse({ code: 'E_UNSLOTTABLE', message: `${where}: the slot form cannot express it, so baton cannot update this module in place`, hint: `hand it off to a new process, which takes the state and the sockets: \`baton update ${runtime.name} ${dir} --handoff\`; or replace the construct (direct eval: use indirect eval \`(0, eval)(...)\` or \`new Function\`)` });
  }
  const warnings: string[] = [];
  if (options.dryRun) return { status: 'planned', from, modules, warnings };

  // Frames suspended in old code of a module whose state changes shape finish first (or the update aborts).
  const suspended = framesToSettle(runtime.graph, changed, transformed);
  try {
    await settleFrames(suspended, performance.now() + options.timeoutMs);
  } catch (error) {
    return { status: 'aborted', from, reason: failure(error), modules, timing: meter.timing() };
  }

  let patches: PreparedPatch[] = [];
  let lives: PreparedLive[] = [];
  let staged: StagedModules | undefined;
  let spec: UpdateSpec | undefined;
  let inPlace: InPlaceState | undefined;
  const newModules = changed.filter((m) => m.change.kind === 'added' || m.change.kind === 'removed');
  // What the staged new modules start (timers, servers, listeners) is stopped if the update aborts.
  const effects = new StagedEffects(changed.filter((m) => m.change.kind === 'added' && m.file).map((m) => m.file!));
  // Its visitors (class transformer checks, eager collection with its own dedupe) may meet a leaf twice.
  const walk = () => programWalk(runtime, staged?.stage.instances.values() ?? [], true);
  // What prepare set up that must end if the update never commits (construction watches).
  const onAbort: Array<() => void> = [];
  const prepareAll = async (): Promise<StagedModules | undefined> => {
    deadline.enter('evaluate');
    // New bodies compile in each running module's scope before anything changes, in slices of the event loop.
    const slices = new LoopSlices();
    for (const m of changed) {
      if (m.change.kind === 'patch') patches.push(await preparePatchInSlices(m.id, runtime.graph.records.get(m.id)!.current, m.compiled!, slices));
    }
    // New modules are linked now and evaluated late (below), so a failure before then runs none of their code.
    if (newModules.length > 0) staged = stageNewModules(runtime, prepared.root, changed, deadline);
    // What new modules start (an update file importing one evaluates it early) is stopped if the update aborts.
    if (staged) effects.start();
    deadline.enter('transform');
    // Each step below starts on a turn of its own once the current one has run its share (LoopSlices): on a
    // first update their code runs cold, and back to back they made one block of 10-13 ms (CPU profile, load 5).
    await slices.next();
    spec = options.direction === 'back' ? reverse : await loadUpdateSpec(runtime.graph, prepared.root, staged?.stage ?? runtime.graph, deadline.remaining());
    deadline.check();
    // Live modules, with what the update file asks of them (run, reinit, classes) and their new imports linked.
    lives = await prepareLives(changed, runtime, spec, staged?.stage ?? runtime.graph, slices);
    await slices.next();
    for (const live of lives) modules = modules.map((m) => (m.id === live.record.id ? { ...m, reasons: liveReasons(live) } : m));
    const migrating = new Set(lives.flatMap((l) => l.migrations.map((m) => `${l.record.id}:${m.name}`)));
    // The watchdog only where transformers run: starting one is a synchronous stretch of its own
    // (measured 0.35 ms idle, several ms on a loaded machine), the longest a patch made.
    // Classes declared again are their migrations' work (below), not in-place work: a lazy migration at 1M
    // instances paid 10-14 ms (load 5-15) for a watchdog here that guarded nothing.
    const inPlaceClasses = Object.entries(spec?.classes ?? {}).some(([id, cs]) => Object.keys(cs).some((name) => !migrating.has(`${id}:${name}`)));
    const transforms = Object.keys(spec?.bindings ?? {}).length > 0 || inPlaceClasses;
    inPlace = guarded('the in-place transformers', transforms ? deadline.remaining() : 0, () => prepareInPlace(runtime, spec, (id, name) => migrating.has(`${id}:${name}`), staged?.stage.instances));
    await slices.next();
    // New modules may await at their top level: past the deadline the update aborts, and
    // whatever the staging still does later is never committed; what it started is stopped.
    // Before the class-migration checks, whose heap pass is the costly part of prepare: an
    // update whose new module fails is refused without paying for it.
    if (staged) {
      await evaluateNewModules(staged, deadline, effects);
      effects.stop();
    }
    deadline.enter('transform');
    await slices.next();
    await prepareMigrations(walk, lives.flatMap((l) => l.migrations), warnings, deadline, (m) => constructorCell(runtime, m), (stop) => onAbort.push(stop));
    deadline.enter('dispose');
    // Last, once nothing else can fail.
    if (staged) await disposeRemoved(runtime, staged.removed);
    return staged;
  };
  try {
    // Staging that finishes after the deadline is discarded (its instances' dispose hooks run).
    await deadline.race(prepareAll(), (late) => {
      for (const stop of onAbort) stop();
      return late?.stage.discard();
    });
    deadline.enter('commit');
  } catch (error) {
    effects.discard();
    for (const stop of onAbort) stop();
    await staged?.stage.discard();
    if (error instanceof BatonError && error.code === 'E_UPDATE_FILE') return refuse(toErrorData(error));
    return { status: 'aborted', from, reason: failure(error), modules, timing: meter.timing() };
  }

  // The commit: one synchronous stretch. What can throw (an eager transformer
  // on the values of the moment, a new binding's initializer) runs first and
  // undoes itself; slot stores cannot fail. It starts on a turn of its own, so
  // the work before it (the last module compiled, bodies evaluated) is not
  // added to it, and it is timed to the next turn.
  await meter.turn();
  const inFlight = new Map<string, Map<string, number>>();
  const started = performance.now();
  const liveCommits: Array<[string, LiveCommit]> = [];
  const rootBefore = runtime.graph.root;
  try {
    // Under the watchdog: new initializers and transformers run here on the values of the moment. A
    // patch alone runs no code of the program's at commit and skips it (starting one costs about 0.35 ms).
    const runsCode = lives.length > 0 || staged !== undefined || (inPlace?.reports.length ?? 0) > 0;
    // A frame may have been suspended while the update prepared: it would meet the new shape.
    const left = suspended();
    if (left.length > 0) throw framesError(left);
    guarded('the commit', runsCode ? deadline.remaining() : 0, () => {
      // Transformers of the values of the moment: may throw, changes nothing.
      inPlace?.recompute();
      // Live modules: their new bindings' initializers may throw, and undo themselves.
      // New code resolves from the new version's tree (a CommonJS module's new `require` of a new file).
      runtime.graph.root = prepared.root;
      // Imported modules first: a table recomputed in an importer reads the functions its imports declare again.
      for (const live of dependencyOrder(runtime, lives)) liveCommits.push([live.record.id, commitLive(live, walk)]);
      // The program hook reads and sets new bindings, so it runs once they exist; `old` is what held before.
      const byId = new Map(liveCommits);
      inPlace?.runHook((id, name) => {
        const before = byId.get(id)?.before(name);
        if (before) return before.value;
        const record = runtime.graph.records.get(id);
        return record ? liveBindings(record.current).bindings[name]?.[0]() : undefined;
      });
      if (staged) commitNewModules(runtime, staged);
      inPlace?.commit();
    });
  } catch (error) {
    runtime.graph.root = rootBefore;
    for (const [, c] of liveCommits.reverse()) c.undo();
    meter.stretch(performance.now() - started, true);
    effects.discard();
    for (const stop of onAbort) stop();
    await staged?.stage.discard();
    return { status: 'aborted', from, reason: failure(error), modules, timing: meter.timing() };
  }
  const migrations: ClassMigration[] = [];
  for (const [id, c] of liveCommits) {
    c.finish();
    inFlight.set(id, c.inFlight);
    migrations.push(...c.migrations);
  }
  for (const p of patches) inFlight.set(p.id, commitPatch(p));
  runtime.graph.root = prepared.root;
  meter.stretch(performance.now() - started, true);
  // The new modules' timers that came due while the update prepared run now, with the new exports in place.
  effects.commit();
  modules = modules.map((m) => (inFlight.has(m.id) ? { ...m, functions: withFramesInFlight(m.functions, inFlight.get(m.id)!) } : m));
  // What follows (the program's accept callbacks, the version's bookkeeping, the report) is not part of the commit.
  await meter.turn();

  // After commit: accept callbacks of modules changed live get their new exports.
  for (const live of lives) {
    const record = runtime.graph.records.get(live.record.id);
    for (const accept of live.record.current.hot.acceptors) {
      try {
        if (record) accept(record.namespace);
      } catch (error) {
        warnings.push(`${live.record.id}: an import.meta.hot.accept callback threw after the update was applied: ${(error as Error).message}`);
      }
    }
  }
  // Statements the update file's `run` section asked for: once, after the commit, like accept callbacks.
  for (const live of lives) {
    for (const r of live.runAfter) {
      try {
        r.run();
      } catch (error) {
        warnings.push(`${live.record.id}: a statement the update file asked to run threw after the update was applied: ${(error as Error).message}`);
      }
    }
  }
  // Moved modules take their new ids: the new version's importers and update files name them so.
  for (const m of changed) {
    if (!m.movedTo) continue;
    runtime.graph.rename(m.id, m.movedTo);
    modules = modules.map((r) => (r.id === m.id ? { ...r, id: m.movedTo!, reasons: [`moved from ${m.id}`, ...r.reasons] } : r));
  }
  const previous = runtime.current;
  const to = runtime.versionInfo(prepared.root);
  if (options.direction === 'forward') {
    runtime.previous.push(previous);
    // Each version keeps its transformer file alive; rollback reaches back this far.
    if (runtime.previous.length > MAX_ROLLBACK_DEPTH) runtime.previous.shift();
    runtime.current = { info: to, spec, files: await runtime.snapshot() };
  } else {
    runtime.current = runtime.previous.pop() ?? { info: to, spec: undefined, files: await runtime.snapshot() };
    runtime.current = { ...runtime.current, info: to };
  }
  runtime.pruneSources();
  await meter.turn();
  // A module changed live whose state a transformer also changed has one report, with both.
  for (const r of inPlace?.reports ?? []) {
    const same = modules.find((m) => m.id === r.id);
    if (same) modules = modules.map((m) => (m === same ? { ...m, bindings: [...m.bindings, ...r.bindings], classes: [...m.classes, ...r.classes] } : m));
    else modules.push(r);
  }
  if (migrations.length > 0) {
    modules = modules.map((m) => {
      const mine = migrations.filter((c) => c.moduleId === m.id);
      return mine.length > 0 ? { ...m, classes: [...m.classes, ...mine.map((c) => ({ name: c.name, instances: c.migrated, mode: c.mode }))] } : m;
    });
    runtime.keepMigrations(migrations);
    const lazy = migrations.filter((m) => m.mode === 'lazy');
    if (lazy.length > 0) {
      const entries = lazy.map((migration) => ({ migration, doneMs: null as number | null }));
      runtime.sweeps = entries;
      startLazySweep(runtime, lazy, (ms) => entries.forEach((e) => (e.doneMs = ms)));
    }
  }
  return { status: 'applied', from, to, modules, warnings, timing: meter.timing() };
}

const MAX_ROLLBACK_DEPTH = 32;

/** Where each prepared module's package imports resolve, from the running file and from the new one. */
function packageImports(runtime: Runtime, modules: readonly PreparedModule[]): ModuleImports[] {
  const entry = runtime.graph.records.get(runtime.entryId)?.current.file;
  return modules.flatMap((m) => (m.file && m.compiled ? [{ old: runtime.graph.records.get(m.id)?.current.file ?? entry, next: m.file, specifiers: m.compiled.imports }] : []));
}

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

/** A live module's reasons once prepared: what its kept bindings hold (code takes the new value) and what the update file asked for. */
function liveReasons(live: PreparedLive): string[] {
  const by = (why: string) => live.recompute.filter((r) => r.why === why).map((r) => r.name);
  const [code, reinit] = [by('code'), by('reinit')];
  const plan = { ...live.plan, kept: live.plan.kept.filter((n) => !code.includes(n) && !reinit.includes(n)) };
  const ran = new Set(live.runAfter.map((r) => firstLineOf(r.text)));
  return [
    ...describeLive({ ...plan, notRun: plan.notRun.filter((s) => !ran.has(s)) }),
    ...code.map((n) => `${n} takes the new value (it holds code)`),
    ...reinit.map((n) => `${n} takes its new initializer's value (reinit)`),
    ...[...ran].map((s) => `runs once after commit: ${s}`),
  ];
}

function initialReport(m: PreparedModule): ModuleReport {
  const c = m.change;
  return {
    id: m.id,
    mechanism: c.kind === 'patch' ? 'patch' : c.kind === 'live' ? 'live' : c.kind === 'blocked' ? 'blocked' : c.kind === 'added' ? 'added' : 'removed',
    functions: c.kind === 'patch' || c.kind === 'blocked' || c.kind === 'live' ? c.functions : [],
    reasons: c.kind === 'blocked' ? c.reasons : c.kind === 'live' ? describeLive(c.plan) : [],
    bindings: [],
    classes: [],
  };
}

function needsReverse(spec: UpdateSpec | undefined): string[] {
  if (!spec) return [];
  const out: string[] = [];
  for (const [id, b] of Object.entries(spec.bindings ?? {})) for (const name of Object.keys(b)) out.push(`${id}:${name}`);
  for (const [id, c] of Object.entries(spec.classes ?? {})) for (const name of Object.keys(c)) out.push(`${id}:${name}`);
  if (spec.program) out.push('the program hook');
  return out;
}

/** A failure during prepare, with the stack in `.ts` lines (Node maps them). */
function failure(error: unknown): ErrorData {
  if (error instanceof BatonError) return toErrorData(error);
  const e = error instanceof Error ? error : new Error(String(error));
  return { code: 'E_PREPARE', message: `the new version failed before commit: ${e.message}`, hint: 'nothing was changed; fix the error and update again', ...(e.stack ? { stack: e.stack } : {}) };
}
