import { strict as assert } from 'node:assert';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { copyFixture, ENV, get, Program, ROOT, SOCKET_DIR } from './helpers/baton.js';
import { batonWithin, FakeProgram, fdsOf, frame, frames, rawConnect, rssOf, Traffic } from './helpers/control.js';

const FIX = copyFixture('control');
const UID = process.getuid!();

interface Listed {
  answering: boolean;
  pid: number;
  name?: string;
  error?: { code: string; message: string };
}

async function startStore(name: string, env: NodeJS.ProcessEnv = ENV): Promise<{ program: Program; port: number }> {
  const program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')], env);
  try {
    return { program, port: Number((await program.waitFor(/port (\d+)/, 30_000))[1]) };
  } catch (error) {
    // Not started in time: stopped here, since no after() hook holds it yet.
    await program.stop();
    throw error;
  }
}

/** No baton stack trace and no E_INTERNAL: what every user error must look like. */
function assertCleanError(out: string): void {
  assert.doesNotMatch(out, /E_INTERNAL/);
  assert.doesNotMatch(out, /^\s+at .*dist\/src\//m, 'no baton stack trace');
}

describe('item 7: the CLI never hangs on a program that does not answer', () => {
  let blocked: Program;
  let healthy: Program;
  let healthyPort: number;
  let healthyDigest: string;
  const name = `ctl-healthy-${process.pid}`;

  before(async () => {
    const [a, b] = await Promise.all([startStore(`ctl-blocked-${process.pid}`), startStore(name)]);
    blocked = a.program;
    healthy = b.program;
    healthyPort = b.port;
    assert.equal(await get(healthyPort, '/fill?n=100'), '100');
    healthyDigest = await get(healthyPort, '/digest');
    // The blocked program answers this request, then spins synchronously for 2 minutes.
    assert.equal(await get(a.port, '/block?ms=120000'), 'blocking');
    await new Promise((r) => setTimeout(r, 300));
  });
  after(async () => {
    // Unset when before() failed part way.
    await blocked?.stop();
    await healthy?.stop();
  });

  it('ls answers within its deadline, lists the healthy program and marks the blocked one as not answering', async () => {
    const r = await batonWithin(['ls', '--json'], 30_000);
    assert.equal(r.hung, false, `baton ls hung (killed after ${r.ms} ms)`);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < 20_000, `ls took ${r.ms} ms`);
    const listed = JSON.parse(r.stdout) as Listed[];
    const quiet = listed.find((p) => p.pid === blocked.pid);
    assert.ok(quiet, `the blocked program is listed: ${r.stdout}`);
    assert.equal(quiet.answering, false);
    assert.equal(quiet.error?.code, 'E_NO_ANSWER');
    const ok = listed.find((p) => p.pid === healthy.pid);
    assert.equal(ok?.answering, true);
    assert.equal(ok?.name, name);

    const text = await batonWithin(['ls'], 30_000);
    assert.equal(text.hung, false);
    assert.match(text.stdout, new RegExp(`\\?\\s+${blocked.pid}\\s.*not answering: did not answer within 5\\.0 s \\[E_NO_ANSWER\\]`));
    assert.match(text.stdout, new RegExp(`${name}\\s+${healthy.pid}\\s`));
  });

  it('name lookup of another program works while one is blocked, and targeting the blocked one fails with E_NO_ANSWER', async () => {
    const status = await batonWithin(['status', name, '--json'], 30_000);
    assert.equal(status.hung, false, 'status by name hung');
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as { pid: number }).pid, healthy.pid);

    for (const target of [String(blocked.pid), join(SOCKET_DIR, `${blocked.pid}.sock`)]) {
      const r = await batonWithin(['status', target], 30_000);
      assert.equal(r.hung, false, `status ${target} hung`);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /did not answer within 5\.0 s \[E_NO_ANSWER\]/);
      assertCleanError(r.stderr);
    }
    const json = await batonWithin(['status', String(blocked.pid), '--json'], 30_000);
    assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'E_NO_ANSWER');
    for (const args of [['update', String(blocked.pid), join(FIX, 'v2'), '--no-check'], ['rollback', String(blocked.pid)]]) {
      const r = await batonWithin(args, 30_000);
      assert.equal(r.hung, false, `${args[0]} hung`);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\[E_NO_ANSWER\]/);
    }

    // The healthy program's state is untouched by all this, now and a while later.
    assert.equal(await get(healthyPort, '/get?k=key:42'), 'value:42');
    assert.equal(await get(healthyPort, '/digest'), healthyDigest);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await get(healthyPort, '/digest'), healthyDigest);
  });
});

describe('item 8: the socket directory and sockets belong to the user, or baton refuses', () => {
  /** An environment whose control directory is $XDG_RUNTIME_DIR/baton-<uid>, as without BATON_SOCKET_DIR. */
  function xdgEnv(runtimeDir: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...ENV, XDG_RUNTIME_DIR: runtimeDir };
    delete env['BATON_SOCKET_DIR'];
    return env;
  }

  it('prefers $XDG_RUNTIME_DIR and makes the directory there with mode 0700', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'baton-xdg-'));
    const env = xdgEnv(runtime);
    const { program } = await startStore(`ctl-xdg-${process.pid}`, env);
    try {
      const dir = join(runtime, `baton-${UID}`);
      const st = lstatSync(dir);
      assert.ok(st.isDirectory());
      assert.equal(st.mode & 0o777, 0o700);
      assert.ok(lstatSync(join(dir, `${program.pid}.sock`)).isSocket());
      const ls = await batonWithin(['ls', '--json'], 30_000, env);
      assert.ok((JSON.parse(ls.stdout) as Listed[]).some((p) => p.pid === program.pid));
    } finally {
      await program.stop();
    }
  });

  it('refuses a control directory planted as a symlink to a world-writable directory, and neither lists, updates nor chmods what it leads to', async () => {
    const runtime = mkdtempSync(join(tmpdir(), 'baton-xdg-'));
    const attacker = mkdtempSync(join(tmpdir(), 'baton-attacker-'));
    chmodSync(attacker, 0o1777);
    symlinkSync(attacker, join(runtime, `baton-${UID}`));
    const fake = await FakeProgram.listen(join(attacker, '4242.sock'));
    const env = xdgEnv(runtime);
    try {
      const ls = await batonWithin(['ls', '--json'], 30_000, env);
      assert.equal(ls.code, 1);
      const error = (JSON.parse(ls.stdout) as { error: { code: string; message: string; hint: string } }).error;
      assert.equal(error.code, 'E_SOCKET_DIR');
      assert.match(error.message, new RegExp(`${join(runtime, `baton-${UID}`)} is a symbolic link \\(to ${attacker}\\)`));
      assert.match(error.hint, /BATON_SOCKET_DIR/);

      const update = await batonWithin(['update', 'impostor', join(FIX, 'v2'), '--no-check'], 30_000, env);
      assert.equal(update.code, 1);
      assert.match(update.stderr, /is a symbolic link .* \[E_SOCKET_DIR\]/);
      assertCleanError(update.stderr);

      const run = await batonWithin(['run', join(FIX, 'v1', 'main.ts')], 30_000, env);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /\[E_SOCKET_DIR\]/);
      assert.doesNotMatch(run.stdout, /port/, 'the program did not start');

      assert.deepEqual(fake.requests, [], 'the planted server was never asked anything');
      assert.equal(fake.connections, 0);
      assert.equal(lstatSync(attacker).mode & 0o7777, 0o1777, 'the link target was not chmodded');
      assert.deepEqual(readdirSync(attacker), ['4242.sock']);
    } finally {
      await fake.close();
    }
  });

  it('refuses a control directory open to others or owned by another user, changing neither', async () => {
    const open = mkdtempSync(join(tmpdir(), 'baton-open-'));
    chmodSync(open, 0o755);
    const r = await batonWithin(['ls'], 30_000, { ...ENV, BATON_SOCKET_DIR: open });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`the control directory ${open} is open to other users \\(mode 755, must be 700\\); baton will not use it \\[E_SOCKET_DIR\\]`));
    assert.equal(lstatSync(open).mode & 0o777, 0o755, 'not chmodded');

    const foreign = mkdtempSync(join(tmpdir(), 'baton-foreign-'));
    chownSync(foreign, 65534, 65534);
    const f = await batonWithin(['ls'], 30_000, { ...ENV, BATON_SOCKET_DIR: foreign });
    assert.equal(f.code, 1);
    assert.match(f.stderr, new RegExp(`${foreign} belongs to uid 65534, not to you \\(uid ${UID}\\).*\\[E_SOCKET_DIR\\]`));
    assert.equal(lstatSync(foreign).uid, 65534);
    assertCleanError(r.stderr + f.stderr);
  });

  it('ls removes only stale sockets of the user: never a non-socket *.sock file nor another user\'s socket, and connects to neither', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-sockdir-'));
    const env = { ...ENV, BATON_SOCKET_DIR: dir };
    // A file that merely has the name of a socket, with a pid that is not running.
    const plain = join(dir, '999999999.sock');
    writeFileSync(plain, 'not a socket');
    // A socket of another user, posing as a program.
    const fake = await FakeProgram.listen(join(dir, '4243.sock'), 4243);
    chownSync(fake.path, 65534, 65534);
    // A stale socket of the user's: a program killed without cleaning up.
    const { program } = await startStore(`ctl-stale-${process.pid}`, env);
    const stale = join(dir, `${program.pid}.sock`);
    program.child.kill('SIGKILL');
    await program.exited;
    assert.ok(existsSync(stale));
    try {
      const ls = await batonWithin(['ls', '--json'], 30_000, env);
      assert.equal(ls.code, 0, ls.stderr);
      assert.deepEqual(JSON.parse(ls.stdout), [], 'neither the file nor the foreign socket is listed');
      assert.ok(!existsSync(stale), 'the stale socket of the user was removed');
      assert.equal(readFileSync(plain, 'utf8'), 'not a socket', 'the non-socket file was left as it was');
      assert.ok(lstatSync(fake.path).isSocket(), 'the foreign socket was left');
      assert.equal(fake.connections, 0, 'ls never connected to another user\'s socket');

      const status = await batonWithin(['status', fake.path], 30_000, env);
      assert.equal(status.code, 1);
      assert.match(status.stderr, new RegExp(`${fake.path} belongs to uid 65534, not to you \\(uid ${UID}\\) \\[E_NOT_OWNER\\]`));
      const update = await batonWithin(['update', fake.path, join(FIX, 'v2'), '--no-check'], 30_000, env);
      assert.equal(update.code, 1);
      assert.match(update.stderr, /\[E_NOT_OWNER\]/);
      assert.equal(fake.connections, 0, 'nothing was sent to it');
      assertCleanError(status.stderr + update.stderr);
    } finally {
      await fake.close();
    }
  });

  it('a program refuses to start over a non-socket file at its socket path, and leaves it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-sockdir-'));
    // The socket path is <dir>/<pid>.sock: a launcher plants a file there for its own pid, then runs baton in-process.
    const launcher = join(dir, '..', `baton-plant-${process.pid}.mjs`);
    writeFileSync(
      launcher,
      `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(dir)} + '/' + process.pid + '.sock', 'planted');
const { main } = await import(${JSON.stringify(join(ROOT, 'dist', 'src', 'cli', 'main.js'))});
await main(process.argv.slice(2));
`,
    );
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      // Killed after 30 s: a program that started anyway would run forever.
      const child = spawn(process.execPath, [launcher, 'run', join(FIX, 'v1', 'main.ts')], { env: { ...ENV, BATON_SOCKET_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000, killSignal: 'SIGKILL' });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\/\d+\.sock is a regular file, not a control socket; baton will not remove it \[E_SOCKET_DIR\]/);
    assert.doesNotMatch(r.stdout, /port/, 'the program did not start');
    assertCleanError(r.stderr);
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.equal(readFileSync(join(dir, files[0]!), 'utf8'), 'planted', 'the file was left as it was');
  });
});

describe('item 9: the control channel has limits, and the program keeps serving its own traffic', () => {
  let program: Program;
  let port: number;
  let socket: string;
  let digest: string;
  const name = `ctl-limits-${process.pid}`;

  before(async () => {
    ({ program, port } = await startStore(name));
    socket = join(SOCKET_DIR, `${program.pid}.sock`);
    assert.equal(await get(port, '/fill?n=1000'), '1000');
    digest = await get(port, '/digest');
  });
  after(() => program.stop());

  it('caps control connections: extra ones are closed at once, silent ones after the handshake deadline; descriptors stay bounded, clients are served', async (t) => {
    const traffic = new Traffic(port);
    t.after(() => traffic.stop());
    const fdsBefore = fdsOf(program.pid);
    const sockets = await Promise.all(Array.from({ length: 300 }, () => rawConnect(socket)));
    const closed = new Set<number>();
    sockets.forEach((s, i) => {
      s.on('error', () => {});
      s.on('close', () => closed.add(i));
    });
    await new Promise((r) => setTimeout(r, 2000));
    const fdsDuring = fdsOf(program.pid);
    t.diagnostic(`300 connections: ${closed.size} closed at once, descriptors ${fdsBefore} -> ${fdsDuring}`);
    assert.ok(closed.size >= 300 - 32, `the program closed ${closed.size} of 300 connections (cap 32)`);
    assert.ok(fdsDuring - fdsBefore <= 32 + 8, `descriptors grew by ${fdsDuring - fdsBefore}`);
    // The connections it accepted never say hello: it closes them itself (10 s handshake deadline),
    // so idle connections cannot lock baton out for good.
    for (let i = 0; i < 100 && closed.size < 300; i++) await new Promise((r) => setTimeout(r, 200));
    assert.equal(closed.size, 300, 'the program closed the connections that never said hello');
    await traffic.stop();
    assert.equal(traffic.failed, 0);
    assert.ok(traffic.served > 10, `served ${traffic.served}`);
    // Not a latency target (the machines are shared): a program stalled by the flood would stop serving altogether.
    assert.ok(traffic.worstMs < 30_000, `worst request took ${traffic.worstMs} ms`);
    const status = await batonWithin(['status', name, '--json'], 30_000);
    assert.equal(status.code, 0, status.stderr);
  });

  it('refuses a frame over 1 MiB from its length alone, answering at once and closing the connection', async () => {
    for (const size of [2 * 1024 * 1024, 10 * 1024 * 1024]) {
      const c = await rawConnect(socket);
      let reply = Buffer.alloc(0);
      c.on('data', (d: Buffer) => (reply = Buffer.concat([reply, d])));
      c.on('error', () => {});
      const closed = new Promise<void>((resolve) => c.on('close', () => resolve()));
      c.write(frame({ id: 1, request: { type: 'hello', protocol: 1 } }));
      const head = Buffer.alloc(4);
      head.writeUInt32BE(size, 0);
      // Only the length and a little of the body: the program must not wait for (or buffer) the rest.
      c.write(Buffer.concat([head, Buffer.alloc(1000, 0x20)]));
      const answered = await Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      assert.ok(answered, `the program closed the connection after a ${size}-byte frame header`);
      const answers = frames(reply) as Array<{ id: number; ok: boolean; error?: { code: string; message: string } }>;
      const refusal = answers.find((a) => !a.ok);
      assert.equal(refusal?.error?.code, 'E_PROTOCOL');
      assert.match(refusal!.error!.message, new RegExp(`control frame of ${size} bytes is too large \\(the limit is 1048576\\)`));
    }
    assert.equal(await get(port, '/digest'), digest);
  });

  it('stops reading a connection that pipelines requests without reading the answers: memory stays bounded, clients are served', async (t) => {
    // What the program serves in 4 s on this (shared, loaded) machine without the flood: the yardstick.
    const baseline = new Traffic(port);
    t.after(() => baseline.stop());
    await new Promise((r) => setTimeout(r, 4000));
    await baseline.stop();
    const traffic = new Traffic(port);
    t.after(() => traffic.stop());
    const rssBefore = rssOf(program.pid);
    const c = await rawConnect(socket);
    c.on('error', () => {});
    c.pause(); // Never read an answer.
    const requests = 300_000;
    const batch: Buffer[] = [frame({ id: 0, request: { type: 'hello', protocol: 1 } })];
    for (let i = 1; i <= requests; i++) batch.push(frame({ id: i, request: { type: 'info' } }));
    const bytes = Buffer.concat(batch);
    c.write(bytes);
    let peak = rssBefore;
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 100));
      peak = Math.max(peak, rssOf(program.pid));
    }
    // The program stopped reading: most of what was sent still waits on this side.
    assert.ok(c.writableLength > bytes.length / 2, `${c.writableLength} of ${bytes.length} bytes still unsent: the program read the rest`);
    assert.ok(peak - rssBefore < 64 * 1024 * 1024, `the program's RSS grew by ${((peak - rssBefore) / 2 ** 20).toFixed(1)} MiB`);
    await traffic.stop();
    t.diagnostic(`flood: ${c.writableLength} of ${bytes.length} bytes still unsent by the client, program RSS +${((peak - rssBefore) / 2 ** 20).toFixed(1)} MiB; served ${traffic.served} (worst ${traffic.worstMs} ms), without flood ${baseline.served}`);
    assert.equal(traffic.failed, 0);
    assert.ok(traffic.served >= baseline.served / 4, `served ${traffic.served} requests in 4 s during the flood, ${baseline.served} without`);
    // Not a latency target (the machines are shared): a program stalled by the flood would stop serving altogether.
    assert.ok(traffic.worstMs < 30_000, `worst request took ${traffic.worstMs} ms`);
    c.destroy();
  });

  it('after all of that the program is alive, keeps its state and still takes an update', async () => {
    process.kill(program.pid, 0);
    assert.equal(await get(port, '/'), 'v1');
    assert.equal(await get(port, '/digest'), digest);
    const r = await batonWithin(['update', name, join(FIX, 'v2'), '--json'], 120_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((JSON.parse(r.stdout) as { status: string }).status, 'applied');
    assert.equal(await get(port, '/'), 'v2');
    assert.equal(await get(port, '/digest'), digest);
    assert.equal(await get(port, '/get?k=key:999'), 'value:999');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await get(port, '/'), 'v2');
    assert.equal(await get(port, '/digest'), digest);
  });
});
