import { setTimeout as sleep } from 'node:timers/promises';
import { BatonError, toErrorData, type ErrorData } from '../errors.js';
import { loadUpdateSpec } from '../state/load-spec.js';
import type { UpdateSpec } from '../state/update-spec.js';
import type { ModuleReport, UpdateOutcome } from './outcome.js';
import { patchAll, type ScriptPatch } from './patch.js';
import { prepareInPlace, type InPlaceState } from './in-place.js';
import { PauseMeter } from './pause-meter.js';
import { prepareVersion, type PreparedModule } from './prepare.js';
import { commitReload, prepareReload, startLazySweep, type PreparedReload } from './reload.js';
import type { Runtime } from './runtime.js';

export interface UpdateOptions {
  readonly dryRun: boolean;
  /** How long a patch blocked by a suspended function is retried. */
  readonly timeoutMs: number;
  /** forward: the new version's transformers; back: the current version's `reverse` (rollback). */
  readonly direction: 'forward' | 'back';
}

/**
 * One update, start to end: plan against the code that runs, refuse what
 * cannot be done, prepare everything that can fail, then commit patches and
 * reloads together in one synchronous step. Returns data, never throws for
 * an expected failure.
 */
export async function runUpdate(runtime: Runtime, dir: string, options: UpdateOptions): Promise<UpdateOutcome> {
  const meter = new PauseMeter();
  const from = runtime.info().version;
  let modules: ModuleReport[] = [];
  const refuse = (reason: ErrorData): UpdateOutcome => ({ status: 'refused', from, reason, modules });
  let prepared;
  try {
    prepared = await prepareVersion(runtime.graph, dir);
  } catch (error) {
    return refuse(toErrorData(error));
  }
  const changed = prepared.modules.filter((m) => m.change.kind !== 'unchanged');
  modules = changed.map(initialReport);
  const declined = changed.filter((m) => m.change.kind !== 'patch' && runtime.graph.records.get(m.id)?.current.hot.declined);
  if (declined.length > 0) {
    return refuse({ code: 'E_DECLINED', message: `${declined.map((m) => m.id).join(', ')} called import.meta.hot.decline() and this update would reload it`, hint: 'restart the program for this release, or remove the decline() call in a release that can be patched' });
  }
  const reverse = options.direction === 'back' ? runtime.current.spec?.reverse : undefined;
  if (options.direction === 'back') {
    const missing = needsReverse(runtime.current.spec);
    if (missing.length > 0 && !reverse) {
      return refuse({ code: 'E_NO_REVERSE', message: `the current version transformed ${missing.join(', ')} and its baton.update.ts has no reverse transformers`, hint: 'add `reverse: { ... }` to the transformer file of the current version, or update forward to a fixed version instead' });
    }
  }
  const warnings: string[] = [];
  if (options.dryRun) return { status: 'planned', from, modules, warnings };

  const patches: ScriptPatch[] = changed
    .filter((m) => m.change.kind === 'patch')
    .map((m) => {
      const record = runtime.graph.records.get(m.id)!;
      return { id: m.id, url: record.current.scriptUrl, oldSource: record.current.compiled.code, newSource: m.compiled!.code };
    });
  const needsReload = changed.some((m) => m.change.kind !== 'patch');
  const deadline = Date.now() + options.timeoutMs;

  // With a reload to prepare, wait for quiescence first, so a blocked patch
  // never costs a prepared reload. (A dry run is a heap walk per script:
  // a patch-only update skips it and patches directly.)
  if (needsReload && patches.length > 0) {
    const ready = await untilUnblocked(patches, deadline);
    meter.stretch(ready.pauseMs);
    if (ready.kind !== 'applied') return aborted(ready, changed, modules, from, meter);
  }

  let reload: PreparedReload | undefined;
  let spec: UpdateSpec | undefined;
  let inPlace: InPlaceState | undefined;
  const reloaded = new Set(changed.filter((m) => m.change.kind !== 'patch').map((m) => m.id));
  try {
    if (needsReload) {
      const result = await prepareReload(
        runtime,
        prepared.root,
        changed,
        async (stage) => (options.direction === 'back' ? reverse : loadUpdateSpec(runtime.graph, prepared.root, stage)),
        (s) => (inPlace = prepareInPlace(runtime, s, reloaded)),
      );
      reload = result.reload;
      spec = result.spec;
      warnings.push(...reload.warnings);
    } else {
      spec = options.direction === 'back' ? reverse : await loadUpdateSpec(runtime.graph, prepared.root, runtime.graph);
      inPlace = prepareInPlace(runtime, spec, reloaded);
    }
  } catch (error) {
    return { status: 'aborted', from, reason: failure(error), modules, blockers: [], timing: meter.timing() };
  }

  let commit: Attempt;
  try {
    commit = await untilUnblocked(patches, deadline, () => {
      if (reload) commitReload(runtime, reload);
      inPlace?.commit();
      for (const m of changed) if (m.change.kind === 'patch') runtime.graph.records.get(m.id)!.current.compiled = m.compiled!;
      runtime.graph.root = prepared.root;
    });
  } catch (error) {
    // An eager transformer threw at commit, before anything was applied; the patches were put back.
    await reload?.stage.discard();
    return { status: 'aborted', from, reason: failure(error), modules, blockers: [], timing: meter.timing() };
  }
  meter.stretch(commit.pauseMs, true);
  if (commit.kind !== 'applied') {
    await reload?.stage.discard();
    return aborted(commit, changed, modules, from, meter);
  }

  // After commit: the replaced instances' accept callbacks get the new exports.
  for (const [id, old] of reload?.replaced ?? []) {
    const record = runtime.graph.records.get(id);
    for (const accept of old.hot.acceptors) {
      try {
        if (record) accept(record.namespace);
      } catch (error) {
        warnings.push(`${id}: an import.meta.hot.accept callback threw after the update was applied: ${(error as Error).message}`);
      }
    }
  }
  const previous = runtime.current;
  const to = runtime.versionInfo(prepared.root);
  if (options.direction === 'forward') {
    runtime.previous.push(previous);
    // Each version keeps its transformer file alive; rollback reaches back this far.
    if (runtime.previous.length > MAX_ROLLBACK_DEPTH) runtime.previous.shift();
    runtime.current = { info: to, spec };
  } else {
    runtime.current = runtime.previous.pop() ?? { info: to, spec: undefined };
    runtime.current = { ...runtime.current, info: to };
  }
  modules.push(...(inPlace?.reports ?? []));
  if (reload) {
    modules = modules.map((m) => ({
      ...m,
      bindings: reload.bindings.get(m.id) ?? m.bindings,
      classes: reload.migrations.filter((c) => c.moduleId === m.id).map((c) => ({ name: c.name, instances: c.migrated, mode: c.mode })),
    }));
    const lazy = reload.migrations.filter((m) => m.mode === 'lazy');
    if (lazy.length > 0) {
      const entries = lazy.map((migration) => ({ migration, doneMs: null as number | null }));
      runtime.sweeps = entries;
      startLazySweep(runtime, lazy, (ms) => entries.forEach((e) => (e.doneMs = ms)));
    }
  }
  return { status: 'applied', from, to, modules, warnings, timing: meter.timing() };
}

const MAX_ROLLBACK_DEPTH = 32;

type Attempt = ReturnType<typeof patchAll>;

/** Retries a blocked patch until the deadline, with the debugger off between tries. */
async function untilUnblocked(patches: readonly ScriptPatch[], deadline: number, commit?: () => void): Promise<Attempt> {
  let wait = 5;
  for (;;) {
    const attempt = patchAll(patches, commit ?? 'dry-run-only');
    if (attempt.kind !== 'blocked' || Date.now() >= deadline) return attempt;
    await sleep(Math.min(wait, Math.max(1, deadline - Date.now())));
    wait = Math.min(wait * 2, 100);
  }
}



function aborted(attempt: Attempt, changed: readonly PreparedModule[], modules: ModuleReport[], from: UpdateOutcome['from'], meter: PauseMeter): UpdateOutcome {
  const timing = meter.timing();
  if (attempt.kind === 'blocked') {
    const blockers = changed
      .filter((m) => attempt.blocked.includes(m.id) && m.change.kind === 'patch')
      .flatMap((m) => (m.change.kind === 'patch' ? m.change.functions.filter((f) => f.suspendable && f.change === 'changed').map((f) => `${f.name} (${m.id})`) : []));
    return {
      status: 'aborted',
      from,
      reason: { code: 'E_BLOCKED', message: `a changed function is still running (suspended at an await or yield) in ${attempt.blocked.join(', ')}`, hint: 'try again when it has returned, or give a longer --timeout' },
      modules,
      blockers: blockers.length > 0 ? blockers : attempt.blocked.map((id) => `a suspended function in ${id}`),
      timing,
    };
  }
  if (attempt.kind === 'failed') {
    return { status: 'aborted', from, reason: { code: 'E_PATCH', message: `V8 refused to patch ${attempt.id}: ${attempt.result.status}${attempt.result.message ? ` ${attempt.result.message}` : ''}`, hint: 'nothing was changed; report this with the two versions of the module' }, modules, blockers: [], timing };
  }
  throw new Error('unreachable');
}

function initialReport(m: PreparedModule): ModuleReport {
  const c = m.change;
  return {
    id: m.id,
    mechanism: c.kind === 'patch' ? 'patch' : c.kind === 'reload' ? 'reload' : c.kind === 'added' ? 'added' : 'removed',
    functions: c.kind === 'patch' || c.kind === 'reload' ? c.functions : [],
    reasons: c.kind === 'reload' ? c.reasons : [],
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
