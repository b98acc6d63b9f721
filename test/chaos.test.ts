import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { runChaos } from './helpers/chaos.js';

// A short, seeded chaos run (bench/chaos.ts runs a long one). The seed is
// printed, so a failure can be replayed: CHAOS_SEED=<seed> node --test dist/test/chaos.test.js
// A fixed default keeps `npm test` reproducible; CHAOS_SEED explores others.
const seed = Number(process.env['CHAOS_SEED'] ?? 20261127);

describe('chaos: updates, rollbacks and failing updates at random under verified load', () => {
  it(`24 steps (seed ${seed}): after every step the keyspace is the model's, the process lives, no request failed`, { timeout: 240_000 }, async () => {
    const result = await runChaos({ seed, steps: 24, log: (line) => console.log(`# ${line}`) });
    console.log(`# seed ${seed}: ${result.requests} requests, ${result.failed} failed, ${result.keysLost} keys lost, ${result.seconds.toFixed(0)} s; ${JSON.stringify(result.counts)}`);
    assert.deepEqual(result.problems, []);
    assert.equal(result.failed, 0);
    assert.equal(result.keysLost, 0);
    assert.ok(result.requests > 100, `load ran: ${result.requests} requests`);
    // A run that took no failing path would prove little.
    const failures = Object.entries(result.counts).filter(([k, n]) => k !== 'update' && k !== 'rollback' && n > 0);
    assert.ok(failures.length >= 3, JSON.stringify(result.counts));
  });
});
