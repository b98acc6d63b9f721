import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ControlClient } from '../src/cli/client.js';
import { precompile } from '../src/cli/precompile.js';
import type { UpdateOutcome } from '../src/protocol/outcome.js';
import type { PrecompiledModule } from '../src/protocol/precompiled.js';
import { socketPathFor } from '../src/protocol/socket-dir.js';
import { baton, ENV, get, Program, sleep, writeVersions } from './helpers/baton.js';

// A server whose state lives in module bindings, a closure and class instances; its
// answers and a digest of its state are read over HTTP. v2 and v3 change bodies only
// (patches of both modules); the state never depends on which version runs.
const store = (tag: string) => `
export class Entry {
  constructor(public key: string, public value: number) {}
  describe(): string { return '${tag}:' + this.key + '=' + this.value; }
}
const entries = new Map<string, Entry>();
export function put(key: string, value: number): Entry {
  const entry = new Entry(key, value);
  entries.set(key, entry);
  return entry;
}
export function list(): string[] { return [...entries.values()].map((e) => e.describe()).sort(); }
export function state(): unknown { return [...entries.values()].map((e) => [e.key, e.value]).sort(); }
`;
const main = (tag: string) => `
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { list, put, state } from './store.ts';
const counter = (() => { let n = 0; return { next: () => ++n, read: () => n }; })();
let ticks = 0;
setInterval(() => { ticks += 1; }, 5).unref();
function answer(path: string): string {
  if (path === '/version') return '${tag}';
  if (path.startsWith('/put/')) { const [, , k, v] = path.split('/'); put(k!, Number(v)); return 'ok ${tag}'; }
  if (path === '/list') return list().join(',');
  if (path === '/count') return String(counter.next());
  if (path === '/digest') return createHash('sha256').update(JSON.stringify({ entries: state(), count: counter.read() })).digest('hex');
  if (path === '/ticking') { const before = ticks; return String(before); }
  return 'unknown ${tag}';
}
const server = createServer((req, res) => res.end(answer(req.url ?? '/')));
server.listen(0, '127.0.0.1', () => console.log('port ' + (server.address() as { port: number }).port));
`;

const ROOT = writeVersions({
  v1: { 'main.ts': main('v1'), 'store.ts': store('v1') },
  v2: { 'main.ts': main('v2'), 'store.ts': store('v2') },
  v3: { 'main.ts': main('v3'), 'store.ts': store('v3') },
  stale: { 'main.ts': main('v2'), 'store.ts': store('v2') },
});

interface Json {
  status: string;
  modules: Array<{ id: string; mechanism: string }>;
  compiled?: { cli: string[]; program: string[] };
  precompile?: { sent: number; unsent: number; ms: number };
  reason?: { message: string };
}

async function fill(port: number): Promise<void> {
  for (let i = 0; i < 20; i++) assert.match(await get(port, `/put/k${i}/${i * 7}`), /^ok v\d$/);
  for (let i = 0; i < 5; i++) await get(port, '/count');
}

describe('baton update: modules compiled by the CLI before the request', () => {
  let program: Program;
  let port: number;
  let digest: string;
  const name = `precompile-${process.pid}`;

  before(async () => {
    program = new Program(['--name', name, join(ROOT, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
    await fill(port);
    digest = await get(port, '/digest');
  });
  after(() => program.stop());

  it('applies a patch with the modules the CLI compiled: new answers on the same state, right after and a second later', async () => {
    const r = await baton(['update', name, join(ROOT, 'v2'), '--json', '--no-check']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as Json;
    assert.equal(outcome.status, 'applied');
    assert.deepEqual(outcome.modules.map((m) => `${m.id}:${m.mechanism}`).sort(), ['main.ts:patch', 'store.ts:patch']);
    assert.deepEqual(outcome.compiled, { cli: ['main.ts', 'store.ts'], program: [] }, 'the program compiled nothing itself');
    assert.equal(outcome.precompile?.sent, 2);
    assert.equal(typeof outcome.precompile?.ms, 'number');

    const check = async () => {
      assert.equal(await get(port, '/version'), 'v2');
      assert.equal(await get(port, '/list'), Array.from({ length: 20 }, (_, i) => `v2:k${i}=${i * 7}`).sort().join(','), 'instances made by v1 run the new method');
      assert.equal(await get(port, '/digest'), digest, 'the state is what it was');
    };
    await check();
    const ticks = Number(await get(port, '/ticking'));
    await sleep(1000);
    await check();
    assert.ok(Number(await get(port, '/ticking')) > ticks, 'the timer v1 set keeps running');
    // The closure's count carries on from the 5 calls made before.
    assert.equal(await get(port, '/count'), '6');
    digest = await get(port, '/digest');
  });

  it('says where the modules were compiled in the human output too, and rolls back with modules the CLI compiled', async () => {
    const r = await baton(['rollback', name]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /compiled before the request: main\.ts, store\.ts \(\d+ ms in this command\)/);
    assert.doesNotMatch(r.stdout, /compiled by the program/);
    assert.equal(await get(port, '/version'), 'v1');
    assert.equal(await get(port, '/digest'), digest);
  });
});

describe('the program ignores a precompiled module that does not match and compiles it itself', () => {
  let program: Program;
  let port: number;
  let client: ControlClient;
  const name = `precompile-stale-${process.pid}`;

  before(async () => {
    program = new Program(['--name', name, join(ROOT, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
    await fill(port);
    const saved = process.env['BATON_SOCKET_DIR'];
    process.env['BATON_SOCKET_DIR'] = ENV.BATON_SOCKET_DIR;
    const socket = socketPathFor(program.pid);
    process.env['BATON_SOCKET_DIR'] = saved;
    client = await ControlClient.open(socket);
  });
  after(async () => {
    client.close();
    await program.stop();
  });

  async function send(dir: string, precompiled: readonly PrecompiledModule[]): Promise<Extract<UpdateOutcome, { status: 'applied' }>> {
    const body = await client.request({ type: 'update', dir, dryRun: false, timeoutMs: 30_000, precompiled });
    assert.equal(body.type, 'outcome');
    const outcome = (body as { outcome: UpdateOutcome }).outcome;
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    return outcome as Extract<UpdateOutcome, { status: 'applied' }>;
  }

  it('a file changed between the CLI compile and the request: its module is compiled by the program, with the text now on disk', async () => {
    const digest = await get(port, '/digest');
    const compiled = await precompile(client, join(ROOT, 'stale'));
    assert.deepEqual(compiled?.modules.map((m) => m.file).sort(), [join(ROOT, 'stale', 'main.ts'), join(ROOT, 'stale', 'store.ts')]);
    // The file changes after the CLI read it: v3's main.ts, v2's store.ts.
    writeFileSync(join(ROOT, 'stale', 'main.ts'), main('v3'));
    const outcome = await send(join(ROOT, 'stale'), compiled!.modules);
    assert.deepEqual(outcome.compiled, { cli: ['store.ts'], program: ['main.ts'] });
    assert.equal(await get(port, '/version'), 'v3', 'the text on disk at the update, not the one the CLI compiled');
    assert.match(await get(port, '/list'), /^v2:k0=0,/);
    assert.equal(await get(port, '/digest'), digest);
  });

  it('modules compiled for another scope, another compiler or another project configuration are compiled by the program', async () => {
    const digest = await get(port, '/digest');
    const compiled = await precompile(client, join(ROOT, 'v1'));
    const [first, second] = [...compiled!.modules].sort((a, b) => a.file.localeCompare(b.file));
    assert.ok(first && second);
    // main.ts compiled for store.ts's instance; store.ts by another compiler.
    const wrong = [
      { ...first, scope: second.scope },
      { ...second, compiler: 'another' },
    ];
    const outcome = await send(join(ROOT, 'v1'), wrong);
    assert.deepEqual(outcome.compiled, { cli: [], program: ['main.ts', 'store.ts'] });
    assert.equal(await get(port, '/version'), 'v1');
    assert.match(await get(port, '/list'), /^v1:k0=0,/);
    assert.equal(await get(port, '/digest'), digest);

    const next = await precompile(client, join(ROOT, 'v2'));
    const configured = next!.modules.map((m) => ({ ...m, config: JSON.stringify({ format: 'esm', options: { experimentalDecorators: true } }) }));
    const outcome2 = await send(join(ROOT, 'v2'), configured);
    assert.deepEqual(outcome2.compiled, { cli: [], program: ['main.ts', 'store.ts'] });
    assert.equal(await get(port, '/version'), 'v2');
    await sleep(1000);
    assert.equal(await get(port, '/version'), 'v2');
    assert.match(await get(port, '/list'), /^v2:k0=0,/);
    assert.equal(await get(port, '/digest'), digest);
  });
});
