import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { baton, freePort, handoff, listedPids, Program, ROOT, sleep, writeVersions } from './helpers/baton.js';
import { installNode } from '../bench/lib/node-binary.js';

/**
 * Hand-off: the running program moves to a new process (a new dependency
 * major, here), taking its state, its listening socket and its idle
 * connections. Each test checks the state after (a digest of every key, real
 * clients' answers) and again a second later.
 */

const KV = join(ROOT, 'examples', 'kv', 'v5');
const HTTP = join(ROOT, 'examples', 'http');
const KEYS = 100_000;

/** A package with two majors whose API differs (`format` became `render`): in-process, objects of one would meet the other. */
function writePackage(dir: string, major: 1 | 2): void {
  const pkg = join(dir, 'node_modules', 'kvfmt');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'kvfmt', version: `${major}.0.0`, type: 'module', main: 'index.js', types: 'index.d.ts' }));
  const fn = major === 1 ? 'format' : 'render';
  writeFileSync(join(pkg, 'index.js'), `export const major = ${major};\nexport function ${fn}(s) { return 'kvfmt ' + major + ': ' + s; }\n`);
  writeFileSync(join(pkg, 'index.d.ts'), `export declare const major: number;\nexport declare function ${fn}(s: string): string;\n`);
}

/** examples/kv/v5 using kvfmt@major in its banner, with `changes` applied to server.ts. */
function kvVersion(root: string, name: string, major: 1 | 2, extra: { serverTop?: string; onListening?: string } = {}): string {
  const dir = join(root, name);
  cpSync(KV, dir, { recursive: true });
  writePackage(dir, major);
  const fn = major === 1 ? 'format' : 'render';
  let server = readFileSync(join(dir, 'server.ts'), 'utf8');
  server = server.replace("import net from 'node:net';", `import net from 'node:net';\nimport { ${fn} } from 'kvfmt';\n${extra.serverTop ?? ''}`);
  server = server.replace('console.log(banner(port));', `console.log(${fn}(banner(port)));${extra.onListening ?? ''}`);
  writeFileSync(join(dir, 'server.ts'), server);
  // The expiry sweep's cursor is a position in the old process's Map: the new process starts its own.
  writeFileSync(join(dir, 'baton.update.ts'), "import { defineUpdate } from 'baton-dsu';\n\nexport default defineUpdate({ reinit: { 'expiry.ts': ['cursor'] } });\n");
  return dir;
}

async function digest(client: Redis): Promise<{ keys: number; hash: string }> {
  const keys = (await client.keys('*')).sort();
  const hash = createHash('sha256');
  for (let i = 0; i < keys.length; i += 5000) {
    const slice = keys.slice(i, i + 5000);
    const values = await client.mget(...slice);
    slice.forEach((k, j) => hash.update(`${k}=${values[j]}\n`));
  }
  return { keys: keys.length, hash: hash.digest('hex') };
}

const listed = listedPids;

describe('hand-off of examples/kv to a new process', () => {
  let root: string;
  let port: number;
  let program: Program;
  let client: Redis;
  const name = `kv-handoff-${process.pid}`;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'baton-handoff-'));
    kvVersion(root, 'a', 1);
    port = await freePort();
    program = new Program(['--name', name, join(root, 'a', 'server.ts'), '--', '--port', String(port)]);
    await program.waitFor(/kvfmt 1: kv v5 listening/, 60_000);
    client = new Redis({ host: '127.0.0.1', port });
    for (let i = 0; i < KEYS; i += 10_000) {
      const pipe = client.pipeline();
      for (let j = i; j < i + 10_000; j++) pipe.set(`key:${j}`, `value-${j}-${'x'.repeat(j % 17)}`);
      await pipe.exec();
    }
    await client.rpush('list', 'a', 'b', 'c');
    await client.hset('hash', 'f', '1', 'g', '2');
    await client.set('ttl', 'soon', 'EX', 3600);
    assert.equal(await client.dbsize(), KEYS + 3);
  });
  after(async () => {
    client?.disconnect();
    await program?.stop();
  });

  /** A failed hand-off: refused or aborted with `code`, the old process serving the same state, now and a second later. */
  async function failsAndKeepsState(dir: string, code: string, extra: string[] = []): Promise<void> {
    const before = await digest(client);
    const r = await handoff(name, dir, extra);
    assert.equal(r.code, 3, JSON.stringify(r.outcome));
    assert.equal(r.outcome['status'], 'aborted');
    assert.equal((r.outcome['reason'] as { code: string }).code, code, JSON.stringify(r.outcome));
    assert.deepEqual(await listed(name), [program.pid]);
    assert.deepEqual(await digest(client), before);
    assert.equal(await client.set('after-failure', 'written'), 'OK');
    assert.equal(await client.get('after-failure'), 'written');
    await client.del('after-failure');
    await sleep(1000);
    assert.deepEqual(await digest(client), before);
    assert.equal(program.child.exitCode, null);
  }

  it('a new process that crashes on start is stopped; the old one serves on with identical state', async () => {
    const dir = kvVersion(root, 'crash-start', 2, { serverTop: "throw new Error('cannot start: no config');\n" });
    await failsAndKeepsState(dir, 'E_HANDOFF_START');
    assert.match(program.errors, /cannot start: no config/);
  });

  it('a new process that never becomes ready (its start never finishes) is stopped at --timeout; the old one serves on', async () => {
    const dir = kvVersion(root, 'never-ready', 2, { serverTop: 'await new Promise(() => setInterval(() => {}, 1000));\n' });
    await failsAndKeepsState(dir, 'E_HANDOFF_NOT_READY', ['--timeout', '8000']);
  });

  it("a new process that serves but never calls ready() from 'baton-dsu' (--ready call) is stopped after --grace; the old one serves on", async () => {
    const dir = kvVersion(root, 'never-calls-ready', 2);
    await failsAndKeepsState(dir, 'E_HANDOFF_NOT_READY', ['--ready', 'call', '--grace', '1500']);
  });

  it('a new process that crashes 1 s after it served is stopped; the old one resumes with its state as before the hand-off', async () => {
    const dir = kvVersion(root, 'crash-later', 2, { onListening: '\n    setTimeout(() => process.exit(7), 1000);' });
    await failsAndKeepsState(dir, 'E_HANDOFF_CRASHED', ['--grace', '3000']);
  });

  it('moves 100k keys to a version with a new dependency major under ioredis load: every key there, no failed command, clients reconnect', async (t) => {
    const dir = kvVersion(root, 'b', 2);
    const before = await digest(client);
    // The in-process update refuses this one, and says what to run instead.
    const inProcess = await baton(['update', name, dir, '--no-check', '--json']);
    const refusal = JSON.parse(inProcess.stdout) as { status: string; reason: { code: string; hint: string } };
    assert.equal(refusal.reason.code, 'E_DEPENDENCY_CHANGED');
    assert.match(refusal.reason.hint, new RegExp(`baton update ${name} \\S+ --handoff`));

    // Load: 4 clients, each writing and reading back its own keys until told to stop (bounded).
    let stop = false;
    const acked = new Map<string, string>();
    const failures: string[] = [];
    const loaders = Array.from({ length: 4 }, (_, c) =>
      (async () => {
        const r = new Redis({ host: '127.0.0.1', port });
        for (let n = 0; !stop && n < 1_000_000; n++) {
          const key = `load:${c}:${n}`;
          try {
            assert.equal(await r.set(key, `v${n}`), 'OK');
            acked.set(key, `v${n}`);
            assert.equal(await r.get(key), `v${n}`);
          } catch (error) {
            failures.push(`${key}: ${(error as Error).message}`);
          }
        }
        r.disconnect();
      })(),
    );
    await sleep(300);
    const r = await handoff(name, dir);
    await sleep(1000);
    stop = true;
    await Promise.all(loaders);

    assert.equal(r.code, 0, JSON.stringify(r.outcome));
    t.diagnostic(`hand-off of ${KEYS} keys under load: ${JSON.stringify({ pauseMs: r.outcome['pauseMs'], steps: r.outcome['steps'], transfer: { ...(r.outcome['transfer'] as object), bindings: undefined } })}`);
    const outcome = r.outcome as { status: string; pid: number; parentPid: number; transfer: { bytes: number; instances: number; rateMBps: number }; connections: { closed: number }; steps: Array<{ name: string }> };
    assert.equal(outcome.status, 'applied');
    assert.equal(outcome.parentPid, program.pid);
    assert.notEqual(outcome.pid, program.pid);
    assert.deepEqual(outcome.steps.map((s) => s.name), ['check', 'start', 'quiesce', 'transfer', 'install', 'ready', 'grace']);
    assert.ok(outcome.transfer.instances >= KEYS, `${outcome.transfer.instances} Entry instances revived`);
    // The loaders' connections (and the test's) carried per-connection state: closed gracefully, then reconnected.
    assert.ok(outcome.connections.closed >= 5, JSON.stringify(outcome.connections));
    assert.deepEqual(failures, []);
    assert.ok(acked.size > 0);
    await program.waitFor(/kvfmt 2: kv v5 listening/, 10_000);
    assert.deepEqual(await listed(name), [outcome.pid]);

    const check = async () => {
      // Every key written before, identical; every acknowledged write of the load, there.
      const all = await client.mget(...Array.from({ length: 1000 }, (_, i) => `key:${i * 100}`));
      all.forEach((v, i) => assert.equal(v, `value-${i * 100}-${'x'.repeat((i * 100) % 17)}`));
      for (const [k, v] of acked) assert.equal(await client.get(k), v, k);
      for (const k of acked.keys()) await client.del(k);
      acked.clear();
      assert.deepEqual(await digest(client), before);
      assert.deepEqual(await client.lrange('list', 0, -1), ['a', 'b', 'c']);
      assert.deepEqual(await client.hgetall('hash'), { f: '1', g: '2' });
      assert.ok((await client.ttl('ttl')) > 0);
      assert.equal(await client.type('list'), 'list');
    };
    await check();
    // The new process runs new code: TTLs still expire there, and the status names its pid.
    assert.equal(await client.set('px', '1', 'PX', 50), 'OK');
    await sleep(1000);
    assert.equal(await client.get('px'), null);
    await check();
    const status = await baton(['status', name, '--json']);
    const info = JSON.parse(status.stdout) as { pid: number; history: Array<{ kind: string; status: string }> };
    assert.equal(info.pid, outcome.pid);
    assert.ok(info.history.some((h) => h.kind === 'handoff' && h.status === 'applied'));
    assert.ok(info.history.filter((h) => h.kind === 'handoff' && h.status === 'aborted').length >= 3);
  });

  it('the old process stays as a thin parent: a signal to it reaches the new one, and it exits as the new one does', async () => {
    const [pid] = await listed(name);
    assert.ok(pid !== undefined && pid !== program.pid);
    client.disconnect();
    program.child.kill('SIGTERM');
    const exit = await program.exited;
    // kv has no SIGTERM handler: the new process dies of it, and the parent re-raises it.
    assert.equal(exit.signal, 'SIGTERM');
    assert.throws(() => process.kill(pid, 0));
  });
});

describe('hand-off of examples/http under keep-alive load', () => {
  it('passes idle keep-alive connections to the new process: 0 failed requests, carts carried and transformed', async () => {
    const port = await freePort();
    const name = `http-handoff-${process.pid}`;
    const program = new Program(['--name', name, join(HTTP, 'v1', 'server.ts'), '--', '--port', String(port)]);
    try {
      await program.waitFor(/http v1 listening/, 60_000);
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      const call = (method: string, path: string, body?: unknown) =>
        new Promise<{ status: number; body: string; socket: string }>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, socket: `${res.socket?.localPort}` }));
          });
          req.on('error', reject);
          req.end(body === undefined ? undefined : JSON.stringify(body));
        });
      const sessions: string[] = [];
      for (let i = 0; i < 20; i++) {
        const s = JSON.parse((await call('POST', '/sessions')).body) as { id: string };
        await call('POST', `/sessions/${s.id}/cart`, { sku: 'TEA-001', qty: i + 1 });
        sessions.push(s.id);
      }
      let stop = false;
      let ok = 0;
      const failed: string[] = [];
      const loaders = Array.from({ length: 8 }, () =>
        (async () => {
          for (let n = 0; !stop && n < 1_000_000; n++) {
            try {
              const r = await call('GET', '/health');
              if (r.status === 200) ok++;
              else failed.push(`status ${r.status}`);
            } catch (error) {
              failed.push((error as Error).message);
            }
          }
        })(),
      );
      await sleep(300);
      const r = await handoff(name, join(HTTP, 'v2'));
      await sleep(1000);
      stop = true;
      await Promise.all(loaders);
      assert.equal(r.code, 0, JSON.stringify(r.outcome));
      const outcome = r.outcome as { connections: { passed: number; closed: number } };
      assert.deepEqual(failed, []);
      assert.ok(ok > 0);
      assert.ok(outcome.connections.passed > 0, JSON.stringify(outcome.connections));
      assert.equal(outcome.connections.closed, 0);
      const check = async () => {
        assert.match((await call('GET', '/health')).body, /"version":"v2"/);
        for (const [i, id] of sessions.entries()) {
          const cart = JSON.parse((await call('GET', `/sessions/${id}/cart`)).body) as { items?: Array<{ sku: string; qty: number }> };
          assert.deepEqual(cart.items?.map((l) => [l.sku, l.qty]), [['TEA-001', i + 1]], JSON.stringify(cart));
        }
      };
      await check();
      await sleep(1000);
      await check();
      agent.destroy();
    } finally {
      await program.stop();
      // The new process is the thin parent's child: it goes with a SIGKILL of the parent only if told; stop it by its name.
      for (const pid of await listed(name)) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('hand-off to another Node.js major', () => {
  it('moves kv from this Node.js to Node 22 (installed from npm): keys, classes and the status follow', async () => {
    const node = installNode(process.version.startsWith('v22.') ? '24' : '22');
    assert.equal(typeof node, 'string', JSON.stringify(node));
    const root = mkdtempSync(join(tmpdir(), 'baton-handoff-node-'));
    kvVersion(root, 'a', 1);
    const dir = kvVersion(root, 'b', 2);
    const port = await freePort();
    const name = `kv-node-${process.pid}`;
    const program = new Program(['--name', name, join(root, 'a', 'server.ts'), '--', '--port', String(port)]);
    const client = new Redis({ host: '127.0.0.1', port });
    try {
      await program.waitFor(/kvfmt 1: kv v5 listening/, 60_000);
      const pipe = client.pipeline();
      for (let i = 0; i < 1000; i++) pipe.set(`k${i}`, `v${i}`);
      await pipe.exec();
      await client.hset('h', 'f', 'x');
      const before = await digest(client);
      const r = await handoff(name, dir, ['--node', node as string]);
      assert.equal(r.code, 0, JSON.stringify(r.outcome));
      const outcome = r.outcome as { pid: number; node: string };
      assert.notEqual(outcome.node, process.version);
      assert.match(outcome.node, /^v2[24]\./);
      const check = async () => {
        assert.deepEqual(await digest(client), before);
        assert.equal(await client.type('h'), 'hash');
        const status = JSON.parse((await baton(['status', name, '--json'])).stdout) as { pid: number; node: string };
        assert.equal(status.pid, outcome.pid);
        assert.equal(status.node, outcome.node);
      };
      await check();
      await sleep(1000);
      await check();
    } finally {
      client.disconnect();
      for (const pid of await listed(name)) process.kill(pid, 'SIGKILL');
      await program.stop();
    }
  });
});

describe("readiness called by the program (--ready call)", () => {
  // v2 calls ready() from 'baton-dsu' once it listens (in v1 the call does nothing: no hand-off is under way).
  const main = (version: string) =>
    [
      "import http from 'node:http';",
      "import { ready } from 'baton-dsu';",
      'export const hits = { count: 0 };',
      `http.createServer((req, res) => { hits.count++; res.end('${version} ' + hits.count); }).listen(Number(process.argv[2]), '127.0.0.1', () => {`,
      "  ready();",
      `  console.log('ready ${version}');`,
      '});',
      '',
    ].join('\n');

  it("passes when the new version calls ready(); its state is the old one's", async () => {
    const root = writeVersions({ v1: { 'main.ts': main('v1') }, v2: { 'main.ts': main('v2') } });
    const name = `ready-call-${process.pid}`;
    const port = await freePort();
    const program = new Program(['--name', name, join(root, 'v1', 'main.ts'), '--', String(port)]);
    const get = () =>
      new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
    try {
      await program.waitFor(/ready v1/, 60_000);
      assert.equal(await get(), 'v1 1');
      assert.equal(await get(), 'v1 2');
      const r = await handoff(name, join(root, 'v2'), ['--ready', 'call', '--grace', '1000']);
      assert.equal(r.code, 0, JSON.stringify(r.outcome));
      assert.ok((r.outcome['steps'] as Array<{ name: string }>).some((s) => s.name === 'ready'));
      assert.equal(await get(), 'v2 3');
      await sleep(1000);
      assert.equal(await get(), 'v2 4');
    } finally {
      for (const pid of await listed(name)) if (pid !== program.pid) process.kill(pid, 'SIGKILL');
      await program.stop();
    }
  });
});
