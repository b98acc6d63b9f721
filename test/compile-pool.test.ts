import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

// The compile worker (program/runner/compile-pool.ts) driven in this process, as an update's prepare drives it.
// An idle time of 0 stops the worker after every compile, so a compile requested right after the previous one
// meets its predecessor on its way out: the old worker's exit must fail only its own requests.
process.env['BATON_COMPILER_IDLE_MS'] = '0';
const { compileOffThread } = await import('../src/program/runner/compile-pool.js');
const dir = mkdtempSync(join(tmpdir(), 'baton-compile-pool-'));

describe('the compile worker', () => {
  it('a compile requested while an idle worker stops is answered by the next worker, not failed by the old one', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 30; i++) {
      const compiled = await compileOffThread(`export const n: number = ${i};\nexport function f(): number { return n * 2; }\n`, join(dir, `m${i}.ts`), `m${i}@test`);
      assert.match(compiled.code, new RegExp(`n = ${i}\\b`), `compile ${i} is of its own source`);
      // Let the stop timer fire (0, 1 or 2 ms), so the next request finds the old worker exiting or gone.
      await new Promise((resolve) => setTimeout(resolve, i % 3));
    }
  });
});
