import { strict as assert } from 'node:assert';
import { Agent } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { baton, copyFixture, deriveVersion, get, Program } from './helpers/baton.js';

// v1..v3 of the fixture, and `bad`: v1 with a syntax error.
const FIX = copyFixture('patch');
deriveVersion(FIX, 'v1', 'bad', { 'main.ts': readFileSync(join(FIX, 'v1', 'main.ts'), 'utf8').replace("return 'v1';", "return 'v1' +;") });

interface Outcome {
  status: string;
  modules: Array<{ id: string; mechanism: string; functions: Array<{ name: string; change: string }> }>;
  timing?: { pauseMs: number };
  reason?: { code: string; message: string };
  to?: { label: string; hash: string };
}

async function update(target: string, dir: string, ...flags: string[]): Promise<{ code: number | null; outcome: Outcome; stderr: string }> {
  const r = await baton(['update', target, dir, '--json', ...flags]);
  return { code: r.code, outcome: (r.stdout ? JSON.parse(r.stdout) : {}) as Outcome, stderr: r.stderr };
}

describe('baton update: function-body patches swap slots', () => {
  let program: Program;
  let port: number;
  const name = `patch-${process.pid}`;

  before(async () => {
    program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
  });
  after(() => program.stop());

  it('patches a handler while a keep-alive connection stays open, keeping closures, instances and timers', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<number>();
    agent.on('free', (socket) => sockets.add(socket.localPort ?? -1));
    assert.equal(await get(port, '/', agent), 'v1');
    assert.equal(await get(port, '/count', agent), '1');
    assert.equal(await get(port, '/count', agent), '2');
    assert.equal(await get(port, '/greet', agent), 'hello ada');
    assert.equal(await get(port, '/tick', agent), 'tick-v1');

    const { code, outcome } = await update(name, join(FIX, 'v2'));
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.equal(outcome.status, 'applied');
    assert.deepEqual(outcome.modules.map((m) => [m.id, m.mechanism]).sort(), [
      ['counter.ts', 'patch'],
      ['greeter.ts', 'patch'],
      ['main.ts', 'patch'],
      ['slow.ts', 'patch'],
    ]);
    const changed = outcome.modules.flatMap((m) => m.functions.map((f) => `${m.id}:${f.name}`)).sort();
    assert.deepEqual(changed, ['counter.ts:makeCounter/<arrow>', 'greeter.ts:Greeter.greet', 'main.ts:tick', 'main.ts:version', 'slow.ts:work']);
    assert.equal(typeof outcome.timing?.pauseMs, 'number');

    // Same connection, new code, old state: the counter continues from 2 in steps of 2.
    assert.equal(await get(port, '/', agent), 'v2');
    assert.equal(await get(port, '/count', agent), '4');
    assert.equal(await get(port, '/greet', agent), 'hi ada');
    assert.equal(await get(port, '/dyn', agent), 'hi dyn', 'a dynamic import from patched code resolves in the running version');
    // The interval v1 registered runs every 10 ms; poll (a loaded machine may delay it) for the patched tick.
    let tick = '';
    for (let i = 0; i < 100 && tick !== 'tick-v2'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      tick = await get(port, '/tick', agent);
    }
    assert.equal(tick, 'tick-v2', 'the interval registered by v1 runs the patched tick');
    assert.equal(sockets.size, 1, 'every request went over the one kept-alive connection');
    agent.destroy();
  });

  it('chains updates: v2 -> v3 -> v1 on the same process', async () => {
    const to3 = await update(name, join(FIX, 'v3'));
    assert.equal(to3.outcome.status, 'applied');
    assert.equal(await get(port, '/'), 'v3');
    const before = Number(await get(port, '/count'));
    const to1 = await update(name, join(FIX, 'v1'));
    assert.equal(to1.outcome.status, 'applied');
    assert.equal(to1.outcome.to?.label, 'v1');
    assert.equal(await get(port, '/'), 'v1');
    assert.equal(Number(await get(port, '/count')), before + 1);
    assert.equal(await get(port, '/greet'), 'hello ada');
  });

  it('refuses a syntax error and changes nothing: first in the type check, then (with --no-check) in the program', async () => {
    const n = Number(await get(port, '/count'));
    const checked = await update(name, join(FIX, 'bad'));
    assert.equal(checked.code, 2);
    assert.equal(checked.outcome.status, 'refused');
    assert.equal(checked.outcome.reason?.code, 'E_COMPILE');
    assert.match(checked.outcome.reason?.message ?? '', /bad\/main\.ts:19/);
    const { code, outcome } = await update(name, join(FIX, 'bad'), '--no-check');
    assert.equal(code, 2);
    assert.equal(outcome.status, 'refused');
    assert.equal(outcome.reason?.code, 'E_COMPILE');
    assert.match(outcome.reason?.message ?? '', /bad\/main\.ts:19/);
    assert.equal(await get(port, '/'), 'v1');
    assert.equal(Number(await get(port, '/count')), n + 1);
  });

  it('a suspended async function finishes its old body while the patch applies at once; new calls run the new body', async () => {
    assert.equal(await get(port, '/slow'), 'started');
    const { code, outcome } = await update(name, join(FIX, 'v2'), '--timeout', '300');
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.equal(outcome.status, 'applied');
    const work = outcome.modules.find((m) => m.id === 'slow.ts')?.functions.find((f) => f.name === 'work') as { oldFrames?: number } | undefined;
    assert.equal(work?.oldFrames, 1, 'the report counts the frame left on the old body');
    assert.equal(await get(port, '/'), 'v2');
    assert.equal(await get(port, '/greet'), 'hi ada');
    await get(port, '/release');
    await program.waitFor(/slow done work-v1/);
    assert.equal(await get(port, '/slow'), 'started');
    await get(port, '/release');
    await program.waitFor(/slow done work-v2/);
    // A second look a while later: the process still answers with v2.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await get(port, '/'), 'v2');
  });

  it('shows the update history in status and the program in ls', async () => {
    const ls = await baton(['ls', '--json']);
    const programs = JSON.parse(ls.stdout) as Array<{ name: string; pid: number; version: { label: string } }>;
    const me = programs.find((p) => p.name === name);
    assert.ok(me, ls.stdout);
    assert.equal(me.pid, program.pid);
    assert.equal(me.version.label, 'v2');
    const status = await baton(['status', String(program.pid)]);
    assert.equal(status.code, 0);
    assert.match(status.stdout, /update applied: v1 \w+ -> v2/);
    assert.match(status.stdout, /update refused/);
  });

  it('the program still exits by itself when its work ends', async () => {
    await get(port, '/stop').catch(() => '');
    const { code } = await program.exited;
    assert.equal(code, 0);
  });
});
