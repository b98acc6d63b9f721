import type { ChangedFunction } from '../../compare/compare-module.js';
import type { CompiledModule } from '../runner/compile.js';
import type { ModuleInstance } from '../runner/instance.js';
import { ensureSuperHelper, framesInFlight, installRefs, readCell, setCell } from '../runner/slot-table.js';
import { patchedBodyName, registerPatchedBody } from '../runner/stack-traces.js';
import type { LoopSlices } from '../runner/yield-to-loop.js';

/** One module's patch, prepared: new bodies compiled in the module's scope, waiting for commit. */
export interface PreparedPatch {
  readonly id: string;
  readonly instance: ModuleInstance;
  readonly compiled: CompiledModule;
  readonly swaps: ReadonlyArray<{ readonly cell: string; readonly path: string; readonly body: unknown }>;
}

/**
 * Compiles the bodies that changed (or are new) in the running instance's own
 * scope, so they see its module bindings. Nothing the program can see
 * changes: the new bodies sit in no cell yet. Throws when a body does not
 * compile.
 */
export function preparePatch(id: string, instance: ModuleInstance, compiled: CompiledModule, every = false): PreparedPatch {
  return { id, instance, compiled, swaps: slotsToCompile(instance, compiled, every).map((s) => compileBody(instance, compiled, s)) };
}

/**
 * preparePatch for an update: the program's event loop turns between bodies
 * once a slice's budget is spent (each body is one eval in the module's
 * scope, a tenth of a millisecond or more), so a patch of many functions
 * never blocks the program for the sum of them.
 */
export async function preparePatchInSlices(id: string, instance: ModuleInstance, compiled: CompiledModule, slices: LoopSlices): Promise<PreparedPatch> {
  const swaps: PreparedPatch['swaps'][number][] = [];
  for (const s of slotsToCompile(instance, compiled, false)) {
    await slices.next();
    swaps.push(compileBody(instance, compiled, s));
  }
  return { id, instance, compiled, swaps };
}

/** The slots whose body changed or is new; `every`: all of them (the conformance corpus replaces every slot). */
function slotsToCompile(instance: ModuleInstance, compiled: CompiledModule, every: boolean): CompiledModule['slots'] {
  const running = new Map(instance.compiled.slots.map((s) => [s.cell, s.source]));
  // Accessor classes the new code names that the running scope does not declare (new reassigned captures).
  installRefs(compiled.refs.filter((cell) => !instance.refs.has(cell)));
  return compiled.slots.filter((s) => every || running.get(s.cell) !== s.source);
}

/** One new body, evaluated in the module's scope from a script of its own, mapped to the new version's source for stack traces. */
function compileBody(instance: ModuleInstance, compiled: CompiledModule, s: CompiledModule['slots'][number]): PreparedPatch['swaps'][number] {
  // A cell no code names yet: invisible until a new body is installed.
  for (const helper of s.supers ?? []) ensureSuperHelper(helper);
  const url = patchedBodyName();
  const body = instance.evaluate(`(${s.source})\n//# sourceURL=${url}`) as object;
  registerPatchedBody(body, url, compiled, s.cell, s.path);
  return { cell: s.cell, path: s.path, body };
}

/**
 * The commit: one store per changed function, which cannot fail. Frames
 * suspended in an old body (an async function at an await, a generator at a
 * yield) finish that body; every new call runs the new one. Returns how many
 * frames of each changed function were in flight on the old body.
 */
export function commitPatch(patch: PreparedPatch): Map<string, number> {
  const inFlight = new Map<string, number>();
  for (const swap of patch.swaps) {
    const frames = framesInFlight(readCell(swap.cell));
    if (frames > 0) inFlight.set(swap.path, frames);
    setCell(swap.cell, swap.body);
  }
  patch.instance.compiled = patch.compiled;
  return inFlight;
}

/** The report's function list with the frames each changed function left on its old body. */
export function withFramesInFlight(functions: readonly ChangedFunction[], inFlight: ReadonlyMap<string, number>): ChangedFunction[] {
  return functions.map((f) => {
    const n = inFlight.get(f.name);
    return n ? { ...f, oldFrames: n } : f;
  });
}
