import type { ChangedFunction } from '../../compare/compare-module.js';
import type { CompiledModule } from '../runner/compile.js';
import type { ModuleInstance } from '../runner/instance.js';
import { ensureSuperHelper, framesInFlight, installRefs, readCell, setCell } from '../runner/slot-table.js';
import { registerPatchedBody, releaseWithBody } from '../runner/stack-traces.js';

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
  const running = new Map(instance.compiled.slots.map((s) => [s.cell, s.source]));
  // Accessor classes the new code names that the running scope does not declare (new reassigned captures).
  installRefs(compiled.refs.filter((cell) => !instance.refs.has(cell)));
  const swaps = compiled.slots
    // `every`: recompile unchanged bodies too (the conformance corpus replaces every slot).
    .filter((s) => every || running.get(s.cell) !== s.source)
    // Each body runs from a script of its own, mapped to the new version's source for stack traces.
    .map((s) => {
      // A cell no code names yet: invisible until a new body is installed.
      for (const helper of s.supers ?? []) ensureSuperHelper(helper);
      const url = registerPatchedBody(compiled, s.cell, s.path);
      const body = instance.evaluate(`(${s.source})\n//# sourceURL=${url}`) as object;
      releaseWithBody(body, url);
      return { cell: s.cell, path: s.path, body };
    });
  return { id, instance, compiled, swaps };
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
