import { strict as assert } from 'node:assert';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { baton, copyFixture, get, Program } from './helpers/baton.js';

// A quiz round's loop is suspended at an await until the players answer.
// v2 changes the scores from numbers to { points, rounds } with a
// transformer: the old loop must not resume on the new shape. The update
// waits for the round, or aborts at its deadline with nothing changed.
const FIX = copyFixture('rounds');

interface Outcome {
  status: string;
  reason?: { code: string; message: string };
}

describe('baton update: frames suspended in old code meet only the data they started with', () => {
  let program: Program;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const name = `rounds-${process.pid}`;
  const standings = async () => JSON.parse(await get(port, '/', agent)) as Record<string, unknown>;

  before(async () => {
    program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
  });
  after(async () => {
    agent.destroy();
    await program.stop();
  });

  it('aborts at the deadline naming the suspended loop, with nothing changed', async () => {
    assert.equal(await get(port, '/start?players=ann,bob', agent), 'started');
    assert.equal(await get(port, '/answer', agent), 'true');
    const r = await baton(['update', name, join(FIX, 'v2'), '--json', '--timeout', '500']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as Outcome;
    assert.equal(outcome.status, 'aborted');
    assert.equal(outcome.reason?.code, 'E_FRAMES_IN_FLIGHT');
    assert.match(outcome.reason!.message, /game\.ts: playRound \(1 suspended\)/);
    // The round goes on in v1, on numbers.
    assert.deepEqual(await standings(), { ann: 1, bob: 1 });
    assert.equal(await get(port, '/answer', agent), 'true');
    assert.equal(await get(port, '/answer', agent), 'true');
    assert.deepEqual(await standings(), { ann: 3, bob: 3 });
    assert.equal(await get(port, '/answer', agent), 'false', 'the round is over');
  });

  it('waits for the round to finish, then applies; the next round runs the new code on the transformed scores', async () => {
    assert.equal(await get(port, '/start?players=ann,bob', agent), 'started');
    const update = baton(['update', name, join(FIX, 'v2'), '--json', '--timeout', '30000']);
    let done = false;
    void update.then(() => (done = true));
    // The players answer slowly; the update must not apply while the round runs.
    for (let i = 0; i < 3; i++) {
      await sleep(1500);
      assert.equal(done, false, 'the update waits for the round');
      assert.equal(await get(port, '/answer', agent), 'true');
    }
    const r = await update;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((JSON.parse(r.stdout) as Outcome).status, 'applied');
    assert.deepEqual(await standings(), { ann: { points: 6, rounds: 1 }, bob: { points: 6, rounds: 1 } });
    assert.equal(await get(port, '/start?players=ann,cy', agent), 'started');
    for (let i = 0; i < 3; i++) assert.equal(await get(port, '/answer', agent), 'true');
    const check = async () => assert.deepEqual(await standings(), { ann: { points: 9, rounds: 2 }, bob: { points: 6, rounds: 1 }, cy: { points: 3, rounds: 1 } });
    await check();
    await sleep(1000);
    await check();
    assert.equal(program.child.exitCode, null);
    assert.doesNotMatch(program.errors, /round failed/);
  });
});
