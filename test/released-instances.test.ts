import { strict as assert } from 'node:assert';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { baton, get, Program, writeVersions } from './helpers/baton.js';

// Module code runs once: counter.ts changes live twice (its function's
// parameters change, so `makeCounter` is declared again; `tag` is a pure
// constant, so it is recomputed). A closure v1 made and the program still
// holds keeps its own counter and the module's state (`made`) through both
// updates and any number of collections, and reads the module's current
// bindings: nothing is evaluated again, so `made` is never reset.
const counter = (version: number) => `const tag = 'v${version}';
let made = 0;
export function makeCounter(${version === 1 ? '' : 'start = 0'}): () => string {
  made++;
  let n = ${version === 1 ? '0' : 'start'};
  const step = () => ++n;
  return () => tag + ':' + step() + ':' + made;
}
export function version(): string { return tag; }
`;

const MAIN = `import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeCounter, version } from './counter.js';

const old = makeCounter();
const gc = (globalThis as { gc?: () => void }).gc!;
const server = createServer((req, res) => {
  for (let i = 0; i < 3; i++) gc();
  res.end(JSON.stringify({ old: old(), version: version(), fresh: makeCounter()() }));
});
server.listen(0, '127.0.0.1', () => console.log(\`port \${(server.address() as AddressInfo).port}\`));
`;

const ROOT = writeVersions({
  v1: { 'counter.ts': counter(1), 'main.ts': MAIN },
  v2: { 'counter.ts': counter(2), 'main.ts': MAIN },
  v3: { 'counter.ts': counter(3).replace('start = 0', 'start = 0, _unused?: string'), 'main.ts': MAIN },
});

describe('a module changed live twice: what the program still holds of it keeps working, on the module state that was never reset', () => {
  let program: Program;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const name = `released-${process.pid}`;
  const state = async () => JSON.parse(await get(port, '/', agent)) as { old: string; version: string; fresh: string };

  before(async () => {
    program = new Program(['--name', name, join(ROOT, 'v1', 'main.ts')], undefined, ['--expose-gc']);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
  });
  after(async () => {
    agent.destroy();
    await program.stop();
  });

  it("v1's closure keeps counting on the module's live state after two live updates and forced collections", async () => {
    assert.deepEqual(await state(), { old: 'v1:1:1', version: 'v1', fresh: 'v1:1:2' });
    assert.deepEqual(await state(), { old: 'v1:2:2', version: 'v1', fresh: 'v1:1:3' });
    for (const [i, v] of ['v2', 'v3'].entries()) {
      const r = await baton(['update', name, join(ROOT, v), '--json', '--no-check']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const outcome = JSON.parse(r.stdout) as { status: string; modules: Array<{ id: string; mechanism: string }> };
      assert.equal(outcome.status, 'applied');
      assert.equal(outcome.modules.find((m) => m.id === 'counter.ts')?.mechanism, 'live');
      // Each request collects garbage three times first; the old closure runs on, `made` continues.
      const made = 3 + i * 2;
      assert.deepEqual(await state(), { old: `${v}:${made}:${made}`, version: v, fresh: `${v}:1:${made + 1}` });
      assert.equal((await state()).old, `${v}:${made + 1}:${made + 1}`);
    }
    await sleep(1000);
    assert.deepEqual(await state(), { old: 'v3:7:7', version: 'v3', fresh: 'v3:1:8' });
    assert.equal(program.child.exitCode, null);
  });
});
