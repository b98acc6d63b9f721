import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { baton, freePort, listedPids, Program, ROOT, sleep } from './helpers/baton.js';

/**
 * `baton rollback` after a hand-off: the program goes back to the version
 * it ran before, in a new process started from that version's directory,
 * its state taken back through the update file's reverse transformers. On
 * examples/http, whose v2 turns each session's `items` Map into priced
 * `lines` (and whose reverse turns them back). Every step checks the whole
 * state (every session's cart and the session count, as clients see them)
 * right after and a second later.
 */

const HTTP = join(ROOT, 'examples', 'http');
const SESSIONS = 30;

interface Cart {
  id: string;
  items: Array<{ sku: string; qty: number; unitPrice?: number }>;
  createdAt: number;
  updatedAt?: number;
  total?: number;
}

describe('baton rollback after a hand-off is a hand-off back', () => {
  let root: string;
  let port: number;
  let program: Program;
  const name = `http-rollback-${process.pid}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const ids: string[] = [];

  const call = (method: string, path: string, body?: unknown, via: Agent | false = agent) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, agent: via, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      // A request the server never reads fails the test instead of hanging it.
      req.setTimeout(20_000, () => req.destroy(new Error(`no answer to ${method} ${path} within 20 s`)));
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });

  /** The whole state as clients see it: the version, the session count, and every session's cart. */
  async function state(): Promise<{ version: string; sessions: number; carts: Cart[]; digest: string }> {
    const health = JSON.parse((await call('GET', '/health')).body) as { version: string; sessions: number };
    const carts: Cart[] = [];
    for (const id of ids) carts.push(JSON.parse((await call('GET', `/sessions/${id}/cart`)).body) as Cart);
    const digest = createHash('sha256').update(JSON.stringify([health, carts])).digest('hex');
    return { version: health.version, sessions: health.sessions, carts, digest };
  }

  /** The reverse of v2's update file, as a v1 client sees a cart: items back from the priced lines, prices and updatedAt dropped. */
  const backToV1 = (c: Cart): Cart => ({ id: c.id, items: c.items.map(({ sku, qty }) => ({ sku, qty })), createdAt: c.createdAt });

  async function run(args: string[]): Promise<{ code: number | null; outcome: Record<string, unknown>; stderr: string }> {
    // Starting a process is a step with a deadline: generous, since the machine may be busy.
    const r = await baton([...args, '--json', '--timeout', '90000']);
    assert.ok(r.stdout, r.stderr);
    return { code: r.code, outcome: JSON.parse(r.stdout) as Record<string, unknown>, stderr: r.stderr };
  }

  /** The program serving under `name` now: one process, `pid`, at `version`, its status saying so. */
  async function servedBy(pid: number, version: string): Promise<void> {
    assert.deepEqual(await listedPids(name), [pid]);
    const status = JSON.parse((await baton(['status', name, '--json'])).stdout) as { pid: number; version: { label: string } };
    assert.equal(status.pid, pid);
    assert.equal(status.version.label, version);
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'baton-handoff-rollback-'));
    for (const v of ['v1', 'v2', 'v3']) cpSync(join(HTTP, v), join(root, v), { recursive: true });
    // v1 reads a settings file at start, as services do: a broken one makes a new process of v1 crash on start.
    const server = readFileSync(join(root, 'v1', 'server.ts'), 'utf8');
    writeFileSync(
      join(root, 'v1', 'server.ts'),
      server.replace("const HOST = '127.0.0.1';", "const HOST = '127.0.0.1';\nimport { readFileSync } from 'node:fs';\nexport const settings = JSON.parse(readFileSync(new URL('./settings.json', import.meta.url), 'utf8')) as { greeting: string };"),
    );
    writeFileSync(join(root, 'v1', 'settings.json'), '{ "greeting": "hello" }\n');
    // v2 without the reverse section: a rollback must refuse, naming what to add.
    cpSync(join(root, 'v2'), join(root, 'v2-forward-only'), { recursive: true });
    const update = readFileSync(join(root, 'v2', 'baton.update.ts'), 'utf8');
    const at = update.indexOf('  reverse: {');
    const end = update.indexOf('});\n', at);
    assert.ok(at > 0 && end > at, 'examples/http/v2 has a reverse section to split off');
    writeFileSync(join(root, 'v2-forward-only', 'baton.update.ts'), update.slice(0, at) + update.slice(end));
    // The same reverse, in a file of its own, given to the rollback (`--update-file`).
    writeFileSync(join(root, 'v2-forward-only', 'rollback.update.ts'), `${update.slice(0, update.indexOf('export default'))}export default defineUpdate({\n${update.slice(at, end)}});\n`);

    port = await freePort();
    program = new Program(['--name', name, join(root, 'v1', 'server.ts'), '--', '--port', String(port)]);
    await program.waitFor(/http v1 listening/, 60_000);
    for (let i = 0; i < SESSIONS; i++) {
      const s = JSON.parse((await call('POST', '/sessions')).body) as { id: string };
      await call('POST', `/sessions/${s.id}/cart`, { sku: 'TEA-001', qty: i + 1 });
      if (i % 3 === 0) await call('POST', `/sessions/${s.id}/cart`, { sku: 'MUG-002', qty: 2 });
      ids.push(s.id);
    }
  });
  after(async () => {
    agent.destroy();
    // The processes the hand-offs started are each the child of the one before: stop them by the name they serve under.
    for (const pid of await listedPids(name)) if (pid !== program.pid) process.kill(pid, 'SIGKILL');
    await program.stop();
  });

  let v2Pid = 0;
  let v1Pid = 0;

  it('hands off to v2, whose update file transforms every session and has a reverse', async () => {
    const before = await state();
    assert.equal(before.sessions, SESSIONS);
    const r = await run(['update', name, join(root, 'v2'), '--handoff', '--no-check', '--grace', '1000', '--ready', `tcp:${port}`]);
    assert.equal(r.code, 0, JSON.stringify(r.outcome));
    v2Pid = (r.outcome as { pid: number }).pid;
    assert.notEqual(v2Pid, program.pid);
    const after = await state();
    assert.equal(after.version, 'v2');
    assert.deepEqual(after.carts.map(backToV1), before.carts);
    assert.ok(after.carts.every((c) => c.items.every((l) => typeof l.unitPrice === 'number')), 'v2 priced every line');
    // State the rollback must carry back: changed and added under v2.
    for (const id of ids.slice(0, 5)) await call('POST', `/sessions/${id}/cart`, { sku: 'MUG-002', qty: 5 });
    await call('DELETE', `/sessions/${ids[6]}/cart/TEA-001`);
    const added = JSON.parse((await call('POST', '/sessions')).body) as { id: string };
    await call('POST', `/sessions/${added.id}/cart`, { sku: 'TEA-001', qty: 9 });
    ids.push(added.id);
    await servedBy(v2Pid, 'v2');
  });

  it('a rollback whose new process crashes on start is stopped: v2 serves on, its state identical, now and a second later', async () => {
    writeFileSync(join(root, 'v1', 'settings.json'), '{ "greeting": ');
    try {
      const before = await state();
      const r = await run(['rollback', name]);
      assert.equal(r.code, 3, JSON.stringify(r.outcome));
      assert.equal(r.outcome['status'], 'aborted');
      assert.equal((r.outcome['reason'] as { code: string }).code, 'E_HANDOFF_START', JSON.stringify(r.outcome));
      assert.match(program.errors, /SyntaxError|JSON/);
      const check = async () => {
        assert.deepEqual(await state(), before);
        await servedBy(v2Pid, 'v2');
      };
      await check();
      // It still takes writes, then is back where it was.
      await call('POST', `/sessions/${ids[1]}/cart`, { sku: 'TEA-001', qty: 1 });
      await call('DELETE', `/sessions/${ids[1]}/cart/TEA-001`);
      await call('POST', `/sessions/${ids[1]}/cart`, { sku: 'TEA-001', qty: 2 });
      assert.deepEqual((await state()).carts.map(backToV1), before.carts.map(backToV1));
      await sleep(1000);
      assert.deepEqual((await state()).carts.map(backToV1), before.carts.map(backToV1));
      await servedBy(v2Pid, 'v2');
      const history = JSON.parse((await baton(['status', name, '--json'])).stdout) as { history: Array<{ kind: string; status: string }> };
      assert.ok(history.history.some((h) => h.kind === 'rollback' && h.status === 'aborted'));
    } finally {
      writeFileSync(join(root, 'v1', 'settings.json'), '{ "greeting": "hello" }\n');
    }
  });

  it('a rollback whose previous version\'s directory is gone is refused before anything starts, naming it; v2 serves on', async () => {
    const before = await state();
    renameSync(join(root, 'v1'), join(root, 'v1-away'));
    try {
      const r = await run(['rollback', name]);
      assert.equal(r.code, 2, JSON.stringify(r.outcome));
      assert.equal(r.outcome['status'], 'refused');
      const reason = r.outcome['reason'] as { code: string; message: string; hint: string };
      assert.equal(reason.code, 'E_BAD_DIR');
      assert.ok(reason.message.includes(join(root, 'v1')), reason.message);
      assert.match(reason.hint, /put the previous version back/);
      // Without --json: the same refusal for people, and no stack trace of baton's.
      const text = await baton(['rollback', name]);
      assert.equal(text.code, 2);
      assert.match(text.stdout + text.stderr, /E_BAD_DIR/);
      assert.ok((text.stdout + text.stderr).includes(join(root, 'v1')), text.stdout + text.stderr);
      assert.doesNotMatch(text.stdout + text.stderr, /\n\s+at /);
      assert.deepEqual(await state(), before);
      await servedBy(v2Pid, 'v2');
      await sleep(1000);
      assert.deepEqual(await state(), before);
      await servedBy(v2Pid, 'v2');
    } finally {
      renameSync(join(root, 'v1-away'), join(root, 'v1'));
    }
  });

  it('hands the program back to v1 under load: the state taken back by the reverse, no refused connection, a new pid, the status following', async (t) => {
    const before = await state();
    // Load: keep-alive clients and clients opening a new connection per request, until told to stop (bounded).
    let stop = false;
    let ok = 0;
    const failed: string[] = [];
    const loaders = Array.from({ length: 6 }, (_, i) =>
      (async () => {
        for (let n = 0; !stop && n < 1_000_000; n++) {
          try {
            const r = await call('GET', '/health', undefined, i < 3 ? agent : false);
            if (r.status === 200) ok++;
            else failed.push(`status ${r.status}`);
          } catch (error) {
            failed.push((error as Error).message);
          }
        }
      })(),
    );
    await sleep(300);
    const r = await run(['rollback', name]);
    await sleep(1000);
    stop = true;
    await Promise.all(loaders);

    assert.equal(r.code, 0, JSON.stringify(r.outcome));
    t.diagnostic(`rollback hand-off under load: ${JSON.stringify({ pauseMs: r.outcome['pauseMs'], steps: r.outcome['steps'], connections: r.outcome['connections'], requests: ok })}`);
    const outcome = r.outcome as { status: string; rollback?: boolean; pid: number; parentPid: number; from: { label: string }; to: { label: string }; steps: Array<{ name: string }>; transfer: { instances: number } };
    assert.equal(outcome.status, 'applied');
    assert.equal(outcome.rollback, true);
    assert.deepEqual([outcome.from.label, outcome.to.label], ['v2', 'v1']);
    assert.equal(outcome.parentPid, v2Pid);
    assert.notEqual(outcome.pid, v2Pid);
    assert.notEqual(outcome.pid, program.pid);
    assert.deepEqual(outcome.steps.map((s) => s.name), ['check', 'start', 'quiesce', 'transfer', 'install', 'ready', 'grace']);
    assert.equal(outcome.transfer.instances, ids.length);
    assert.deepEqual(failed, [], `${failed.length} failed requests of ${ok + failed.length}`);
    assert.ok(ok > 0);
    v1Pid = outcome.pid;

    const expected = before.carts.map(backToV1);
    const check = async () => {
      const now = await state();
      assert.equal(now.version, 'v1');
      assert.equal(now.sessions, ids.length);
      assert.deepEqual(now.carts, expected);
      await servedBy(v1Pid, 'v1');
    };
    await check();
    await sleep(1000);
    await check();
    const status = JSON.parse((await baton(['status', name, '--json'])).stdout) as { version: { hash: string }; history: Array<{ kind: string; status: string; summary: string }> };
    assert.ok(status.history.some((h) => h.kind === 'rollback' && h.status === 'applied' && /hand-off back/.test(h.summary)), JSON.stringify(status.history));
    // v1 runs again as it first ran: the same code, so the same version hash.
    assert.ok(status.history.some((h) => h.kind === 'handoff' && h.status === 'applied'));
    const first = status.history.find((h) => h.kind === 'handoff') as unknown as { from: string };
    assert.equal(first.from.split(' ')[1], status.version.hash);
    // Nothing further back: v1 was the first version.
    const again = await baton(['rollback', name, '--json']);
    assert.equal(again.code, 2);
    assert.equal((JSON.parse(again.stdout) as { error: { code: string } }).error.code, 'E_NO_PREVIOUS');
  });

  it('refuses a rollback whose update file transformed a class with no reverse, naming it and what to add; nothing changes', async () => {
    const forward = await run(['update', name, join(root, 'v2-forward-only'), '--handoff', '--no-check', '--grace', '1000']);
    assert.equal(forward.code, 0, JSON.stringify(forward.outcome));
    const pid = (forward.outcome as { pid: number }).pid;
    const before = await state();
    assert.equal(before.version, 'v2');

    const r = await run(['rollback', name]);
    assert.equal(r.code, 2, JSON.stringify(r.outcome));
    assert.equal(r.outcome['status'], 'refused');
    const reason = r.outcome['reason'] as { code: string; message: string; hint: string };
    assert.equal(reason.code, 'E_NO_REVERSE');
    assert.match(reason.message, /sessions\.ts:Session/);
    assert.match(reason.hint, /reverse: \{ \.\.\. \}/);
    assert.match(reason.hint, /--update-file/);
    // The text rendering, as a user sees it: the code and the remedy, no stack trace.
    const text = await baton(['rollback', name]);
    assert.equal(text.code, 2);
    assert.match(text.stdout + text.stderr, /E_NO_REVERSE/);
    assert.doesNotMatch(text.stdout + text.stderr, /\n\s+at /);
    const check = async () => {
      assert.deepEqual(await state(), before);
      await servedBy(pid, 'v2-forward-only');
    };
    await check();
    await sleep(1000);
    await check();

    // With the reverse given at rollback time, the hand-off back goes through.
    const back = await run(['rollback', name, '--update-file', join(root, 'v2-forward-only', 'rollback.update.ts')]);
    assert.equal(back.code, 0, JSON.stringify(back.outcome));
    const to = (back.outcome as { pid: number }).pid;
    assert.notEqual(to, pid);
    const expected = before.carts.map(backToV1);
    const after = async () => {
      const now = await state();
      assert.equal(now.version, 'v1');
      assert.deepEqual(now.carts, expected);
      await servedBy(to, 'v1');
    };
    await after();
    await sleep(1000);
    await after();
  });

  it('goes back through two hand-offs, one at a time, each with its own reverse (v3 -> v2 -> v1)', async () => {
    const start = await state();
    assert.equal(start.version, 'v1');
    for (const v of ['v2', 'v3']) {
      const r = await run(['update', name, join(root, v), '--handoff', '--no-check', '--grace', '500']);
      assert.equal(r.code, 0, JSON.stringify(r.outcome));
    }
    assert.equal((await state()).version, 'v3');
    let pid = 0;
    for (const v of ['v2', 'v1']) {
      const r = await run(['rollback', name]);
      assert.equal(r.code, 0, JSON.stringify(r.outcome));
      assert.equal((r.outcome as { to: { label: string } }).to.label, v);
      pid = (r.outcome as { pid: number }).pid;
      const now = await state();
      assert.equal(now.version, v);
      assert.deepEqual(now.carts.map(backToV1), start.carts);
    }
    // Back where it started: the same carts, a second later too, and nothing further back.
    assert.deepEqual(await state(), start);
    await sleep(1000);
    assert.deepEqual(await state(), start);
    await servedBy(pid, 'v1');
    const again = await baton(['rollback', name, '--json']);
    assert.equal((JSON.parse(again.stdout) as { error: { code: string } }).error.code, 'E_NO_PREVIOUS');
  });
});
