// Smoke test for a running kv server, through ioredis and a raw socket.
// Usage: node examples/kv/check.mjs --port 6390 --version 3
// Checks every command of that release (and the ones before it), pipelining,
// 50 concurrent clients, partial frames, inline requests and UTF-8 lengths.
import assert from 'node:assert/strict';
import net from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Redis = require('ioredis');

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const port = Number(opt('port', '6390'));
const version = Number(opt('version', '1'));
let checks = 0;
/** An assert.rejects validator on the error reply's exact text. */
const message = (re) => (err) => {
  assert.match(err.message, re);
  return true;
};
const ok = (what) => {
  checks++;
  if (process.env.VERBOSE) console.log(`ok ${what}`);
};

/** Sends raw bytes in the given pieces and resolves with everything read until `expected` bytes or close. */
function raw(pieces, expectedBytes, { delay = 5 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const got = [];
    let n = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(got).toString('utf8'));
    }, 2000);
    socket.on('data', (d) => {
      got.push(d);
      n += d.length;
      if (expectedBytes !== undefined && n >= expectedBytes) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Buffer.concat(got).toString('utf8'));
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(got).toString('utf8'));
    });
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const piece of pieces) {
        socket.write(piece);
        await new Promise((r) => setTimeout(r, delay));
      }
    });
  });
}

const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
await r.connect();
await r.flushdb();

// --- v1: strings, keyspace, server commands -------------------------------
assert.equal(await r.ping(), 'PONG');
assert.equal(await r.ping('hi'), 'hi');
assert.equal(await r.echo('héllo wörld ✓'), 'héllo wörld ✓');
assert.equal(await r.set('a', '1'), 'OK');
assert.equal(await r.get('a'), '1');
assert.equal(await r.get('missing'), null);
assert.equal(await r.incr('a'), 2);
assert.equal(await r.decr('a'), 1);
assert.equal(await r.incr('counter'), 1);
assert.equal(await r.decr('neg'), -1);
await r.set('big', '9223372036854775807');
await assert.rejects(r.incr('big'), /increment or decrement would overflow/);
await r.set('s', 'abc');
await assert.rejects(r.incr('s'), /ERR value is not an integer or out of range/);
assert.equal(await r.mset('m1', 'x', 'm2', 'y'), 'OK');
assert.deepEqual(await r.mget('m1', 'nope', 'm2'), ['x', null, 'y']);
assert.equal(await r.exists('m1', 'm1', 'nope'), 2);
assert.equal(await r.del('m1', 'm2', 'nope'), 2);
assert.equal(await r.exists('m1'), 0);
const utf = 'ключ→値 🚀';
await r.set(utf, utf);
assert.equal(await r.get(utf), utf);
await r.flushdb();
assert.equal(await r.dbsize(), 0);
await r.mset('user:1', 'a', 'user:2', 'b', 'user:10', 'c', 'u[x]', 'd', 'hello', 'e', 'hallo', 'f', 'hxllo', 'g', 'heeeello', 'h');
assert.equal(await r.dbsize(), 8);
const sorted = async (p) => (await r.keys(p)).sort();
assert.deepEqual(await sorted('user:?'), ['user:1', 'user:2']);
assert.deepEqual(await sorted('user:*'), ['user:1', 'user:10', 'user:2']);
assert.deepEqual(await sorted('h[ae]llo'), ['hallo', 'hello']);
assert.deepEqual(await sorted('h[^e]llo'), ['hallo', 'hxllo']);
assert.deepEqual(await sorted('h[a-f]llo'), ['hallo', 'hello']);
assert.deepEqual(await sorted('h*llo'), ['hallo', 'heeeello', 'hello', 'hxllo']);
assert.deepEqual(await sorted('u\\[x\\]'), ['u[x]']);
assert.equal((await r.keys('*')).length, 8);
await assert.rejects(r.call('nosuchcmd', 'x'), /ERR unknown command 'nosuchcmd'/);
await assert.rejects(r.call('get'), /ERR wrong number of arguments for 'get' command/);
assert.deepEqual(await r.call('command'), []);
assert.deepEqual(await r.config('GET', 'save'), ['save', '']);
assert.deepEqual(await r.config('GET', 'nosuchsetting'), []);
assert.match(await r.info(), /redis_version:/);
ok('v1 commands');

// Pipelining through ioredis.
{
  const p = r.pipeline();
  for (let i = 0; i < 1000; i++) p.set(`p:${i}`, String(i));
  for (let i = 0; i < 1000; i++) p.get(`p:${i}`);
  p.incr('pc').incr('pc').get('pc');
  const res = await p.exec();
  assert.equal(res.length, 2003);
  for (let i = 0; i < 1000; i++) assert.deepEqual(res[1000 + i], [null, String(i)]);
  assert.deepEqual(res[2002], [null, '2']);
  ok('pipeline');
}

// 50 concurrent clients, each with its own keys, interleaved.
{
  const clients = Array.from({ length: 50 }, () => new Redis({ port, host: '127.0.0.1' }));
  await Promise.all(
    clients.map(async (c, n) => {
      for (let i = 0; i < 100; i++) {
        await c.set(`c${n}:${i}`, `${n}-${i}`);
        await c.incr(`shared`);
      }
      const got = await c.mget(...Array.from({ length: 100 }, (_, i) => `c${n}:${i}`));
      assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => `${n}-${i}`));
    }),
  );
  assert.equal(await r.get('shared'), '5000');
  await Promise.all(clients.map((c) => c.quit()));
  ok('50 concurrent clients');
}

// Raw protocol: partial frames (one byte at a time), pipelining in one write,
// inline commands, byte-counted bulk lengths, QUIT, protocol errors.
{
  const frame = '*3\r\n$3\r\nSET\r\n$4\r\nraw1\r\n$7\r\nv\u00e9\u00e9!!\r\n';
  assert.equal(Buffer.byteLength('v\u00e9\u00e9!!'), 7);
  const bytes = [...Buffer.from(frame)].map((b) => Buffer.from([b]));
  assert.equal(await raw(bytes, 5, { delay: 1 }), '+OK\r\n');
  assert.equal(await raw(['*2\r\n$3\r\nGET\r\n$4\r\nraw1\r\n'], 13), '$7\r\nv\u00e9\u00e9!!\r\n');
  assert.equal(await raw(['PING\r\nPING\r\n*1\r\n$4\r\nPING\r\n'], 21), '+PONG\r\n+PONG\r\n+PONG\r\n');
  assert.equal(await raw(['SET inl "hello world"\r\nGET inl\r\n'], 22), '+OK\r\n$11\r\nhello world\r\n');
  assert.equal(await raw(['PI', 'NG\n']), '+PONG\r\n');
  assert.equal(await raw(['*1\r\n$4\r\nQUIT\r\nPING\r\n']), '+OK\r\n');
  assert.match(await raw(['*1\r\n$x\r\n']), /^-ERR Protocol error: invalid bulk length\r\n$/);
  assert.match(await raw(['SET "unbalanced\r\n']), /^-ERR Protocol error: unbalanced quotes/);
  // A large value split across many chunks.
  const big = 'x'.repeat(300_000) + 'é';
  const bigFrame = `*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${Buffer.byteLength(big)}\r\n${big}\r\n`;
  const buf = Buffer.from(bigFrame);
  const chunks = [];
  for (let i = 0; i < buf.length; i += 7000) chunks.push(buf.subarray(i, i + 7000));
  assert.equal(await raw(chunks, 5, { delay: 0 }), '+OK\r\n');
  assert.equal(await r.get('big'), big);
  ok('raw protocol');
}

// --- v2: expiry ------------------------------------------------------------
if (version >= 2) {
  await r.flushdb();
  assert.equal(await r.set('e1', 'v', 'EX', 100), 'OK');
  const ttl = await r.ttl('e1');
  assert.ok(ttl === 100 || ttl === 99, `ttl ${ttl}`);
  assert.ok((await r.pttl('e1')) > 99_000);
  assert.equal(await r.ttl('nokey'), -2);
  await r.set('p', 'v');
  assert.equal(await r.ttl('p'), -1);
  assert.equal(await r.pttl('p'), -1);
  assert.equal(await r.set('p', 'w', 'NX'), null);
  assert.equal(await r.set('p2', 'w', 'XX'), null);
  assert.equal(await r.set('p2', 'w', 'NX'), 'OK');
  assert.equal(await r.set('p2', 'z', 'XX', 'PX', 50), 'OK');
  assert.equal(await r.get('p2'), 'z');
  await new Promise((res) => setTimeout(res, 80));
  assert.equal(await r.get('p2'), null); // lazy expiry
  assert.equal(await r.expire('p', 100), 1);
  assert.equal(await r.expire('nokey', 100), 0);
  assert.ok((await r.ttl('p')) >= 99);
  assert.equal(await r.persist('p'), 1);
  assert.equal(await r.persist('p'), 0);
  assert.equal(await r.ttl('p'), -1);
  assert.equal(await r.pexpire('p', 100000), 1);
  assert.ok((await r.pttl('p')) > 99_000);
  await r.set('p', 'again'); // SET without KEEPTTL clears the TTL
  assert.equal(await r.ttl('p'), -1);
  assert.equal(await r.expire('p', 0), 1); // non-positive timeout deletes
  assert.equal(await r.exists('p'), 0);
  await assert.rejects(r.set('x', 'v', 'EX', 0), /ERR invalid expire time in 'set' command/);
  await assert.rejects(r.set('x', 'v', 'EX', 'abc'), /ERR value is not an integer or out of range/);
  await assert.rejects(r.set('x', 'v', 'NX', 'XX'), /ERR syntax error/);
  await assert.rejects(r.set('x', 'v', 'EX', 10, 'PX', 10), /ERR syntax error/);
  // Periodic expiry: keys nobody reads still go away.
  await r.flushdb();
  const p = r.pipeline();
  for (let i = 0; i < 2000; i++) p.set(`v:${i}`, 'x', 'PX', 30);
  for (let i = 0; i < 100; i++) p.set(`keep:${i}`, 'x');
  await p.exec();
  assert.equal(await r.dbsize(), 2100);
  await new Promise((res) => setTimeout(res, 1500));
  assert.equal(await r.dbsize(), 100);
  ok('v2 expiry');
}

// --- v3: lists, hashes, TYPE, WRONGTYPE ------------------------------------
if (version >= 3) {
  await r.flushdb();
  assert.equal(await r.rpush('l', 'a', 'b', 'c'), 3);
  assert.equal(await r.lpush('l', 'z', 'y'), 5); // y z a b c
  assert.equal(await r.llen('l'), 5);
  assert.deepEqual(await r.lrange('l', 0, 1), ['y', 'z']);
  assert.deepEqual(await r.lrange('l', -2, 10), ['b', 'c']);
  assert.deepEqual(await r.lrange('l', 3, 1), []);
  assert.deepEqual(await r.lrange('l', 0, -6), []);
  assert.deepEqual(await r.lrange('l', 0, -7), []);
  assert.deepEqual(await r.lrange('l', -100, 0), ['y']);
  assert.deepEqual(await r.lrange('l', -1, -1), version >= 5 ? ['c'] : []);
  assert.deepEqual(await r.lrange('l', 1, -3), version >= 5 ? ['z', 'a'] : ['z']);
  // v3 and v4 have the LRANGE negative-stop bug that v5 fixes.
  assert.deepEqual(await r.lrange('l', 0, -1), version >= 5 ? ['y', 'z', 'a', 'b', 'c'] : ['y', 'z', 'a', 'b']);
  assert.equal(await r.lpop('l'), 'y');
  assert.equal(await r.rpop('l'), 'c');
  assert.equal(await r.lpop('nolist'), null);
  assert.deepEqual(await r.call('lpop', 'l', '5'), ['z', 'a', 'b']);
  assert.equal(await r.exists('l'), 0); // an emptied list is deleted
  assert.equal(await r.hset('h', 'f1', 'v1', 'f2', 'v2'), 2);
  assert.equal(await r.hset('h', 'f1', 'v1b', 'f3', 'v3'), 1);
  assert.equal(await r.hget('h', 'f1'), 'v1b');
  assert.equal(await r.hget('h', 'nof'), null);
  assert.equal(await r.hlen('h'), 3);
  assert.deepEqual(await r.hgetall('h'), { f1: 'v1b', f2: 'v2', f3: 'v3' });
  assert.equal(await r.hdel('h', 'f1', 'nof'), 1);
  assert.deepEqual(await r.hgetall('nohash'), {});
  await r.set('str', 'v');
  await r.rpush('lst', 'x');
  assert.equal(await r.type('str'), 'string');
  assert.equal(await r.type('lst'), 'list');
  assert.equal(await r.type('h'), 'hash');
  assert.equal(await r.type('none'), 'none');
  const WRONG = message(/^WRONGTYPE Operation against a key holding the wrong kind of value$/);
  await assert.rejects(r.get('lst'), WRONG);
  await assert.rejects(r.lpush('str', 'x'), WRONG);
  await assert.rejects(r.hget('lst', 'f'), WRONG);
  await assert.rejects(r.incr('h'), WRONG);
  await assert.rejects(r.llen('h'), WRONG);
  assert.equal(await r.set('lst', 'now a string'), 'OK'); // SET overwrites any type
  assert.equal(await r.type('lst'), 'string');
  await r.rpush('tl', 'x');
  await r.expire('tl', 100);
  assert.ok((await r.ttl('tl')) >= 99);
  assert.deepEqual((await r.keys('*')).sort(), ['h', 'lst', 'str', 'tl']);
  ok('v3 lists and hashes');
}

// --- v4: INFO, CLIENT, SELECT ----------------------------------------------
if (version >= 4) {
  await r.flushall();
  const info = await r.info();
  assert.match(info, /# Server\r\n/);
  assert.match(info, /# Clients\r\nconnected_clients:\d+/);
  assert.match(info, /# Keyspace\r\n/);
  assert.match(info, new RegExp(`tcp_port:${port}\\r\\n`));
  const days = Number(/uptime_in_days:(\d+)/.exec(info)?.[1]);
  const secs = Number(/uptime_in_seconds:(\d+)/.exec(info)?.[1]);
  assert.equal(days, Math.floor(secs / 86400));
  assert.doesNotMatch(await r.info('clients'), /# Server/);
  const id = await r.client('ID');
  assert.ok(Number.isInteger(id) && id > 0);
  assert.equal(await r.client('GETNAME'), null);
  assert.equal(await r.client('SETNAME', 'checker'), 'OK');
  assert.equal(await r.client('GETNAME'), 'checker');
  await assert.rejects(r.client('SETNAME', 'bad name'), /ERR Client names cannot contain spaces/);
  assert.match(await r.client('LIST'), /name=checker/);
  await r.set('k0', 'in db0');
  assert.equal(await r.select(3), 'OK');
  assert.equal(await r.get('k0'), null);
  await r.set('k3', 'in db3', 'EX', 100);
  assert.equal(await r.dbsize(), 1);
  const ks = await r.info('keyspace');
  assert.match(ks, /db0:keys=1,expires=0,avg_ttl=\d+/);
  assert.match(ks, /db3:keys=1,expires=1,avg_ttl=\d+/);
  await assert.rejects(r.select(16), message(version >= 5 ? /^ERR DB index is out of range$/ : /^ERR invalid DB index$/));
  await r.select(0);
  assert.equal(await r.get('k0'), 'in db0');
  assert.equal(await r.get('k3'), null);
  // Another client is in its own database and has its own name.
  const other = new Redis({ port, host: '127.0.0.1', db: 3 });
  assert.equal(await other.get('k3'), 'in db3');
  assert.equal(await other.client('GETNAME'), null);
  assert.notEqual(await other.client('ID'), id);
  const clientsNow = Number(/connected_clients:(\d+)/.exec(await r.info('clients'))?.[1]);
  assert.ok(clientsNow >= 2);
  await other.quit();
  ok('v4 info, client, select');
}

await r.quit();
console.log(`kv check v${version} on port ${port}: ${checks} groups passed`);
