import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { baton, ENV, freePort, Program, ROOT } from './helpers/baton.js';

const KV = join(ROOT, 'examples', 'kv');
const hasRedisCli = spawnSync('redis-cli', ['--version']).status === 0;

async function update(args: string[]): Promise<{ status: string; modules: Array<{ id: string; mechanism: string }> }> {
  const r = await baton([...args, '--json']);
  assert.ok(r.stdout, r.stderr);
  const outcome = JSON.parse(r.stdout) as { status: string; modules: Array<{ id: string; mechanism: string }>; reason?: { message: string } };
  assert.equal(outcome.status, 'applied', r.stdout);
  return outcome;
}

describe('examples/kv: real Redis clients across live updates', () => {
  let program: Program;
  let client: Redis;
  let port: number;
  const name = `kv-${process.pid}`;

  before(async () => {
    port = await freePort();
    program = new Program(['--name', name, join(KV, 'v1', 'server.ts'), '--', '--port', String(port)], ENV);
    await program.waitFor(/kv v1 listening/);
    client = new Redis({ host: '127.0.0.1', port });
  });
  after(async () => {
    // client is unset when before() failed: the program must still be stopped, or this file never ends.
    client?.disconnect();
    await program.stop();
  });

  it('v1: strings, pipelining', async () => {
    const pipe = client.pipeline();
    for (let i = 0; i < 1000; i++) pipe.set(`k${i}`, `v${i}`);
    await pipe.exec();
    await client.set('counter', '41');
    assert.equal(await client.incr('counter'), 42);
    assert.equal(await client.dbsize(), 1001);
  });

  it('v1 -> v2 (live, Entry declared again, lazy): data written before is read after, on the same connection; expiry works', async () => {
    const outcome = await update(['update', name, join(KV, 'v2')]);
    assert.ok(outcome.modules.some((m) => m.id === 'store.ts' && m.mechanism === 'live'));
    assert.equal(await client.get('k7'), 'v7');
    assert.equal(await client.get('counter'), '42');
    assert.equal(await client.set('temp', 'x', 'PX', 50), 'OK');
    assert.ok((await client.pttl('temp')) > 0);
    assert.equal(await client.ttl('k1'), -1);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(await client.get('temp'), null);
  });

  it('v2 -> v3 (eager Entry transform): old strings, new lists and hashes, WRONGTYPE', async () => {
    await update(['update', name, join(KV, 'v3')]);
    assert.equal(await client.get('k999'), 'v999');
    await client.rpush('list', 'a', 'b', 'c');
    await client.hset('h', 'f', '1');
    assert.deepEqual(await client.lrange('list', 0, -1), ['a', 'b']); // v3..v4 bug: LRANGE drops the last element
    assert.equal(await client.hget('h', 'f'), '1');
    await assert.rejects(client.get('list'), /WRONGTYPE/);
  });

  it('v3 -> v4 (keyspace becomes 16 databases): the connection opened under v1 gets per-connection state', async () => {
    await update(['update', name, join(KV, 'v4')]);
    assert.equal(await client.get('k3'), 'v3');
    assert.equal(await client.client('SETNAME', 'old-conn'), 'OK');
    assert.equal(await client.client('GETNAME'), 'old-conn');
    const fresh = new Redis({ host: '127.0.0.1', port, db: 2 });
    await fresh.set('only-in-2', 'yes');
    assert.equal(await fresh.dbsize(), 1);
    fresh.disconnect();
    assert.equal(await client.dbsize(), 1003);
    assert.match(await client.info('keyspace'), /db0:keys=1003/);
  });

  it('v4 -> v5 (bug fixes only): patched in place', async () => {
    const outcome = await update(['update', name, join(KV, 'v5')]);
    assert.ok(outcome.modules.every((m) => m.mechanism === 'patch'), JSON.stringify(outcome.modules));
    assert.deepEqual(await client.lrange('list', 0, -1), ['a', 'b', 'c']);
  });

  it('rollback v5 -> v4 brings the old code back, and the program keeps running', async () => {
    await update(['rollback', name]);
    assert.deepEqual(await client.lrange('list', 0, -1), ['a', 'b']);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await client.get('k5'), 'v5');
    assert.equal(program.child.exitCode, null, program.errors);
  });

  it('rollback v4 -> v3 is refused while databases 1-15 hold keys (reverse transformer), then applies; v4 timers stop', async () => {
    const refused = await baton(['rollback', name, '--json']);
    const outcome = JSON.parse(refused.stdout) as { status: string; reason: { message: string } };
    assert.equal(outcome.status, 'aborted');
    assert.match(outcome.reason.message, /databases 2 hold keys/);
    assert.equal(await client.get('k6'), 'v6');
    const db2 = new Redis({ host: '127.0.0.1', port, db: 2 });
    await db2.del('only-in-2');
    db2.disconnect();
    await update(['rollback', name]);
    assert.equal(await client.get('k8'), 'v8');
    await assert.rejects(client.select(1), /ERR/);
    // v4's expiry timer was disposed: had it kept running against v3's store, the program would have crashed.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(program.child.exitCode, null, program.errors);
  });

  it('redis-cli reads what ioredis wrote', { skip: hasRedisCli ? false : 'redis-cli is not installed (apt-get install redis-tools; .ci/run does)' }, () => {
    const out = execFileSync('redis-cli', ['-p', String(port), 'GET', 'k42']).toString().trim();
    assert.equal(out, 'v42');
    const size = execFileSync('redis-cli', ['-p', String(port), 'DBSIZE']).toString().trim();
    assert.equal(size, '1003');
  });
});
