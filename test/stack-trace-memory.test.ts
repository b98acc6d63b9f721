import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CompiledModule } from '../src/program/runner/compile.js';
import { namedScripts, patchedBodyName, registerPatchedBody } from '../src/program/runner/stack-traces.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A compiled module as far as a patched body's mapping reads it. */
function compiledModule(cell: string): CompiledModule {
  return { comparable: `x;\n__baton_slot(${JSON.stringify(cell)}, function () {});\n`, code: '//# sourceMappingURL=data:application/json;base64,e30=', slots: [] } as unknown as CompiledModule;
}

// A patched body's stack-trace mapping names the new version's compiled module (its text and source map,
// about 10 KB for a small module). It must go in the collection that takes the body: released only by a
// FinalizationRegistry callback, a task that runs after that collection, it went one collection later, so
// a heap read right after gc() counted every version whose bodies had died since the last major GC
// (bench/memory.ts: 2-4 MB after 1,000 updates).
describe('stack-trace mappings of patched bodies', () => {
  /** 50 patched bodies, each with a compiled module of its own (in a function of its own: an async function's saved registers would keep the last one). */
  function patchedBodies(bodies: object[], compiled: Array<WeakRef<CompiledModule>>): void {
    for (let i = 0; i < 50; i++) {
      const module = compiledModule(`cell${i}`);
      const url = patchedBodyName();
      const body = new Function(`return function __baton_body() { return ${i}; }\n//# sourceURL=${url}`)() as object;
      registerPatchedBody(body, url, module, `cell${i}`, `f${i}`);
      bodies.push(body);
      compiled.push(new WeakRef(module));
    }
  }

  it('are collected with their bodies, in the same collection, with no task run in between', async () => {
    const bodies: object[] = [];
    const compiled: Array<WeakRef<CompiledModule>> = [];
    patchedBodies(bodies, compiled);
    // A turn, so the weak references no longer keep their targets for the job that made them.
    await turn();
    bodies.length = 0;
    gc();
    gc();
    assert.equal(compiled.filter((r) => r.deref() !== undefined).length, 0);
  });

  it('keep no name of a body that is gone for long: 2,000 patched bodies, each collected, leave fewer than 130 names', async () => {
    for (let round = 0; round < 40; round++) {
      patchedBodies([], []);
      await turn();
      gc();
    }
    assert.ok(namedScripts() < 130, `${namedScripts()} names`);
  });
});
