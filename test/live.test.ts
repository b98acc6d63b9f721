import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { baton, copyFixture, deriveVersion, get, Program } from './helpers/baton.js';

// The server-in-a-function program: its store lives only in the request
// handler's closure. v2 adds a top-level constant, a new function, a new
// route that uses both, and a top-level setInterval that must not run: the
// module ran once, and an update must not run it again.
const FIX = copyFixture('live');
const v1 = readFileSync(join(FIX, 'v1', 'main.ts'), 'utf8');
deriveVersion(FIX, 'v1', 'v2', {
  'config.ts': readFileSync(join(FIX, 'v1', 'config.ts'), 'utf8').replace("{ greeting: 'hello', limit: 3,", "{ greeting: 'howdy', limit: 5,"),
  'main.ts': v1
    .replace("import type { AddressInfo } from 'node:net';", "import type { AddressInfo } from 'node:net';\n\nconst GREETING = 'hello from v2';\n\nfunction describeHits(n: number): string {\n  return `${GREETING}: ${n} hit(s)`;\n}")
    .replace("    res.end('v1');", "    if (url.pathname === '/hello') {\n      res.end(describeHits(counts.get('hits') ?? 0));\n      return;\n    }\n    res.end('v2');")
    .replace('start();', "start();\nsetInterval(() => console.log('a timer v2 added at top level'), 20);"),
});

// v2 again, with an update file that asks for the added statements to run once and for `servers` to start afresh.
deriveVersion(FIX, 'v2', 'v2run', {
  'main.ts': readFileSync(join(FIX, 'v2', 'main.ts'), 'utf8').replace('start();\n', "start();\nconsole.log(`sweeper started at ${servers} server(s)`);\n"),
  'baton.update.ts': "import { defineUpdate } from 'baton';\n\nexport default defineUpdate({\n  run: { 'main.ts': ['setInterval', 'sweeper started'] },\n  reinit: { 'main.ts': ['servers'] },\n});\n",
});
deriveVersion(FIX, 'v2', 'v2badrun', {
  'baton.update.ts': "import { defineUpdate } from 'baton';\n\nexport default defineUpdate({\n  run: { 'main.ts': ['no such statement'] },\n});\n",
});

// config.ts imports a new module whose top level awaits for 3 s: the new version is not ready within --timeout 500.
deriveVersion(FIX, 'v1', 'slow', {
  'slow.ts': [
    "import { createServer } from 'node:net';",
    "import type { AddressInfo } from 'node:net';",
    // What a new module starts before it is ready: an interval, a server, a process listener. The abort stops them all.
    "setInterval(() => console.log('slow tick'), 20);",
    "const metrics = createServer((socket) => socket.end('metrics'));",
    "metrics.listen(0, '127.0.0.1', () => console.log(`slow metrics port ${(metrics.address() as AddressInfo).port}`));",
    "process.on('SIGWINCH', () => console.log('slow dump'));",
    'await new Promise((resolve) => setTimeout(resolve, 3000));',
    "export const ready = 'slow-ready';",
    '',
  ].join('\n'),
  'config.ts': `import { ready } from './slow.js';\n${readFileSync(join(FIX, 'v1', 'config.ts'), 'utf8').replace("greeting: 'hello'", 'greeting: ready')}`,
});

interface Outcome {
  status: string;
  modules: Array<{ id: string; mechanism: string; reasons: string[] }>;
}

describe('baton update: a structural change on the live module, which never runs again', () => {
  let program: Program;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const name = `live-${process.pid}`;

  before(async () => {
    program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
  });
  after(async () => {
    agent.destroy();
    await program.stop();
  });

  it('adds a constant, a function and a route; the closure-held store, the one server and the open connection go on', async () => {
    for (let i = 1; i <= 3; i++) assert.equal(await get(port, '/inc', agent), String(i));
    assert.equal(await get(port, '/config', agent), 'hello 3 true');
    assert.equal(await get(port, '/', agent), 'v1');

    const r = await baton(['update', name, join(FIX, 'v2'), '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as Outcome;
    assert.equal(outcome.status, 'applied');
    assert.deepEqual(outcome.modules.map((m) => [m.id, m.mechanism]), [['config.ts', 'live'], ['main.ts', 'live']]);
    const reasons = outcome.modules[1]!.reasons;
    assert.ok(reasons.includes('new GREETING') && reasons.includes('new describeHits'), reasons.join('; '));
    assert.ok(reasons.some((s) => s.startsWith('not run: setInterval(')), reasons.join('; '));

    // The same connection, opened before the update: the new route answers, the count goes on.
    assert.equal(await get(port, '/hello', agent), 'hello from v2: 3 hit(s)');
    assert.equal(await get(port, '/inc', agent), '4');
    assert.equal(await get(port, '/', agent), 'v2');
    assert.equal(await get(port, '/servers', agent), '1', 'start() did not run again: one server');
    // A changed pure constant is recomputed, and so are the default export and the binding derived from it.
    assert.equal(await get(port, '/config', agent), 'howdy 5 true');

    // A second later: the same state, and the added top-level timer never ran.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await get(port, '/inc', agent), '5');
    assert.equal(await get(port, '/hello', agent), 'hello from v2: 5 hit(s)');
    assert.doesNotMatch(program.output, /a timer v2 added at top level/);
  });

  it('a new version that is not ready by --timeout aborts with nothing changed, and stays aborted', async () => {
    const before = await get(port, '/config', agent);
    const r = await baton(['update', name, join(FIX, 'slow'), '--json', '--no-check', '--timeout', '500']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as Outcome & { reason?: { code: string } };
    assert.equal(outcome.status, 'aborted');
    assert.equal(outcome.reason?.code, 'E_TIMEOUT');
    assert.equal(await get(port, '/config', agent), before);
    // After the slow module settles, its staged version must still not be committed,
    // and nothing it started runs: no interval, no server, no process listener.
    const metricsPort = Number((await program.waitFor(/slow metrics port (\d+)/))[1]);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    assert.equal(await get(port, '/config', agent), before);
    const ticks = program.output.match(/slow tick/g)?.length ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(program.output.match(/slow tick/g)?.length ?? 0, ticks, 'the interval of the aborted version was stopped');
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(metricsPort, '127.0.0.1', () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('error', () => resolve(true));
    });
    assert.ok(refused, 'the server of the aborted version was closed');
    program.child.kill('SIGWINCH');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.doesNotMatch(program.output, /slow dump/, 'the process listener of the aborted version was removed');
    const n = Number(await get(port, '/inc', agent));
    assert.equal(await get(port, '/inc', agent), String(n + 1));
  });

  it('goes back to v1 the same way: v2 only added, so nothing needs a transformer', async () => {
    const r = await baton(['update', name, join(FIX, 'v1'), '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as Outcome;
    assert.equal(outcome.status, 'applied');
    assert.deepEqual(outcome.modules.map((m) => [m.id, m.mechanism]), [['config.ts', 'live'], ['main.ts', 'live']]);
    assert.equal(await get(port, '/inc', agent), '8');
    assert.equal(await get(port, '/config', agent), 'hello 3 true');
    assert.equal(await get(port, '/', agent), 'v1');
    assert.equal(await get(port, '/servers', agent), '1');
  });

  it('runs the statements the update file names once, after the commit, and reinitializes the bindings it names', async () => {
    const bad = await baton(['update', name, join(FIX, 'v2badrun'), '--json', '--no-check']);
    assert.equal(bad.code, 2, bad.stdout + bad.stderr);
    assert.equal((JSON.parse(bad.stdout) as { reason: { code: string } }).reason.code, 'E_UPDATE_FILE');
    assert.doesNotMatch(program.output, /a timer v2 added at top level/);
    const before = Number(await get(port, '/inc', agent));

    const r = await baton(['update', name, join(FIX, 'v2run'), '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as Outcome;
    assert.equal(outcome.status, 'applied');
    const reasons = outcome.modules.find((m) => m.id === 'main.ts')!.reasons;
    assert.ok(reasons.some((s) => s.startsWith('runs once after commit: setInterval(')), reasons.join('; '));
    assert.ok(reasons.includes("servers takes its new initializer's value (reinit)"), reasons.join('; '));
    // `servers` took its initializer's value (0) before the statements ran; start() did not run.
    assert.equal(await get(port, '/servers', agent), '0');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(program.output.match(/sweeper started at 0 server\(s\)/g)?.length, 1, program.output);
    assert.match(program.output, /a timer v2 added at top level/);
    assert.equal(await get(port, '/inc', agent), String(before + 1), 'the closure-held store went on');
  });
});
