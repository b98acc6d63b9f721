import { resolve } from 'node:path';
import { changedDependencies, type ModuleImports } from '../../compare/dependencies.js';
import { resolvedLocation } from '../runner/resolve.js';
import { transformedClasses, transformedClassesOf, transformedModules, transformedModulesOf } from '../../compare/update-file-scan.js';
import { scanUpdateFileAhead } from './off-thread-parse.js';
import { BatonError, toErrorData, type ErrorData } from '../../protocol/errors.js';
import { loadUpdateSpecFile } from '../state/load-spec.js';
import type { UpdateSpec } from '../state/update-spec.js';
import { needsReverse, noReverse, noReverseSection } from '../state/reverse.js';
import type { UpdateOutcome } from '../../protocol/outcome.js';
import { framesToSettle, settleFrames } from './frames-gate.js';
import { PauseMeter } from './pause-meter.js';
import { prepareVersion, type PreparedModule } from './prepare.js';
import type { Runtime } from './runtime.js';
import { Deadline } from './deadline.js';
import type { UpdatePhase } from '../../protocol/messages.js';
import { UpdateTransaction } from './transaction.js';
import { failure, initialReport } from './reports.js';
import { OfferedModules } from './precompiled.js';
import type { PrecompiledModule } from '../../protocol/precompiled.js';

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
  /** Modules the CLI compiled before the request (precompiled.ts): used where they match. */
  readonly precompiled?: readonly PrecompiledModule[];
}

/**
 * One update, start to end: plan against the code that runs, refuse what
 * cannot be done (`refusal`), wait for frames that must settle, then hand
 * the rest to one `UpdateTransaction`: prepare everything that can fail,
 * commit in one synchronous step, finish. Returns data, never throws for an
 * expected failure.
 */
export async function runUpdate(runtime: Runtime, dir: string, options: UpdateOptions): Promise<UpdateOutcome> {
  const meter = new PauseMeter();
  const from = runtime.info().version;
  // Every phase has a deadline; what a phase waits for may never settle, so it is raced, not awaited.
  const deadline = new Deadline(options.timeoutMs, options.onPhase);
  // A rollback transforms what the current version's reverse section names; an update, what its own file names.
  const back = options.direction === 'back';
  // The update file is scanned once, on the compile thread (off-thread-parse.ts).
  const scan = back ? undefined : await scanUpdateFileAhead(resolve(dir));
  const transformed = back ? transformedModules(runtime.current.spec?.reverse) : transformedModulesOf(scan);
  const classes = back ? transformedClasses(runtime.current.spec?.reverse) : transformedClassesOf(scan);
  let prepared;
  try {
    const offered = await OfferedModules.of(options.precompiled);
    prepared = await deadline.race(prepareVersion(runtime.graph, dir, runtime.entryId, classes, offered), () => undefined);
  } catch (error) {
    return { status: 'refused', from, reason: toErrorData(error), modules: [] };
  }
  const changed = prepared.modules.filter((m) => m.change.kind !== 'unchanged');
  // Frames suspended in old code of a module whose state changes shape finish first (or the update aborts).
  const suspended = framesToSettle(runtime.graph, changed, transformed);
  const planned = changed.map(initialReport);
  let reverse: UpdateSpec | undefined;
  try {
    reverse = await reverseSpec(runtime, options);
  } catch (error) {
    return { status: 'refused', from, reason: toErrorData(error), modules: planned };
  }
  const refused = refusal(runtime, dir, options, changed, prepared.modules, reverse);
  if (refused) return { status: 'refused', from, reason: refused, modules: planned };
  if (options.dryRun) return { status: 'planned', from, modules: planned, warnings: [], compiled: prepared.compiled };

  try {
    await settleFrames(suspended, performance.now() + options.timeoutMs);
  } catch (error) {
    return { status: 'aborted', from, reason: failure(error), modules: planned, timing: meter.timing() };
  }
  const tx = new UpdateTransaction({ runtime, prepared, changed, planned, direction: options.direction, reverse, deadline, meter, suspended });
  return (await tx.prepare()) ?? (await tx.commit()) ?? (await tx.finish());
}

/** back: the reverse transformers of `--update-file`, when given, else the current version's (may be none). */
async function reverseSpec(runtime: Runtime, options: UpdateOptions): Promise<UpdateSpec | undefined> {
  if (options.direction !== 'back') return undefined;
  if (!options.updateFile) return runtime.current.spec?.reverse;
  // Reverse transformers written after the update was applied, given at rollback time.
  const reverse = (await loadUpdateSpecFile(runtime.graph, options.updateFile, runtime.graph))?.reverse;
  if (!reverse) {
    const e = noReverseSection(options.updateFile);
    throw new BatonError(e.code, e.message, e.hint);
  }
  return reverse;
}

/** Why the planned update cannot be made in this process, or undefined. Checked before anything is prepared. */
function refusal(runtime: Runtime, dir: string, options: UpdateOptions, changed: readonly PreparedModule[], all: readonly PreparedModule[], reverse: UpdateSpec | undefined): ErrorData | undefined {
  // Module code runs once: a change the live module cannot take is refused, never made by evaluating the module again.
  const blocked = changed.filter((m) => m.change.kind === 'blocked');
  if (blocked.length > 0) {
    const where = blocked.map((m) => `${m.file ?? m.id}: ${m.change.kind === 'blocked' ? m.change.reasons.join('; ') : ''}`).join('; ');
    return {
      code: 'E_NOT_LIVE',
      message: `${where}: baton changes a running module only in place, and cannot make this change there`,
      hint: `write the change so that each top-level name keeps its own declaration statement (or rename it), or hand the program off to a new process, which takes the state and the sockets: \`baton update ${runtime.name} ${dir} --handoff\``,
    };
  }
  const declined = changed.filter((m) => m.change.kind !== 'patch' && runtime.graph.records.get(m.id)?.current.hot.declined);
  if (declined.length > 0) {
    return { code: 'E_DECLINED', message: `${declined.map((m) => m.id).join(', ')} called import.meta.hot.decline() and this update changes it structurally`, hint: 'restart the program for this release, or remove the decline() call in a release that can be patched' };
  }
  if (options.direction === 'back') {
    const missing = needsReverse(runtime.current.spec);
    if (missing.length > 0 && !reverse) return noReverse(missing);
  }
  if (!options.allowDependencyChange) {
    const deps = changedDependencies(packageImports(runtime, all), resolvedLocation);
    if (deps.length > 0) {
      return {
        code: 'E_DEPENDENCY_CHANGED',
        message: `the new version resolves ${deps.map((d) => `${d.name} ${d.from} -> ${d.to}`).join(', ')}: objects the old package created keep its code, and the program would run both`,
        hint: `hand it off to a new process, which takes the state and the sockets: \`baton update ${runtime.name} ${dir} --handoff\`; or give --allow-dependency-change if the two versions may coexist`,
      };
    }
  }
  const unslottable = changed.filter((m) => m.compiled?.unslottable && runtime.graph.records.has(m.id));
  if (unslottable.length > 0) {
    const where = unslottable.map((m) => `${m.id} uses ${m.compiled!.unslottable!.construct} at line ${m.compiled!.unslottable!.line}`).join('; ');
    return { code: 'E_UNSLOTTABLE', message: `${where}: the slot form cannot express it, so baton cannot update this module in place`, hint: `hand it off to a new process, which takes the state and the sockets: \`baton update ${runtime.name} ${dir} --handoff\`; or replace the construct (direct eval: use indirect eval \`(0, eval)(...)\` or \`new Function\`)` };
  }
  return undefined;
}

/** Where each prepared module's package imports resolve, from the running file and from the new one. */
function packageImports(runtime: Runtime, modules: readonly PreparedModule[]): ModuleImports[] {
  const entry = runtime.graph.records.get(runtime.entryId)?.current.file;
  return modules.flatMap((m) => (m.file && m.compiled ? [{ old: runtime.graph.records.get(m.id)?.current.file ?? entry, next: m.file, specifiers: m.compiled.imports }] : []));
}
