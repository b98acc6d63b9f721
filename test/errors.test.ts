import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, deriveVersion, ENV, get, Program, SOCKET_DIR, writeVersions } from './helpers/baton.js';
import { batonWithin } from './helpers/control.js';

/** No baton stack trace and no E_INTERNAL: what every user error must look like. */
function assertCleanError(out: string): void {
  assert.doesNotMatch(out, /E_INTERNAL/);
  assert.doesNotMatch(out, /^\s+at .*dist\/src\//m, 'no baton stack trace');
}

interface Outcome {
  status: string;
  reason?: { code: string; message: string };
}

const FIX = copyFixture('control');
const STORE = readFileSync(join(FIX, 'v1', 'store.ts'), 'utf8');
// v1 with a type error: the CLI's check refuses it before it is sent.
deriveVersion(FIX, 'v1', 'bad-type', { 'store.ts': STORE.replace('get size(): number {', "get size(): number {\n    const wrong: number = 'text';") });
// v1 with a Latin-1 byte in store.ts (line 2): not UTF-8.
deriveVersion(FIX, 'v1', 'latin1', {});
writeFileSync(join(FIX, 'latin1', 'store.ts'), Buffer.concat([Buffer.from('/** The data the server holds: lost on a restart, kept by an update. */\n// caf'), Buffer.from([0xe9]), Buffer.from('\n'), Buffer.from(STORE.split('\n').slice(1).join('\n'))]));
// v1 whose store.ts is a symlink to a changed copy outside the version directory.
const OUTSIDE = mkdtempSync(join(tmpdir(), 'baton-outside-'));
writeFileSync(join(OUTSIDE, 'store.ts'), STORE.replace('this.entries.set(key, value);', 'this.entries.set(key, `outside:${value}`);'));
deriveVersion(FIX, 'v1', 'link', { 'store.ts': null });
symlinkSync(join(OUTSIDE, 'store.ts'), join(FIX, 'link', 'store.ts'));
// v1 whose store.ts imports a new module that takes 3 s to evaluate (a cache warm-up): an update that is slow to prepare.
deriveVersion(FIX, 'v1', 'slow', {
  'warmup.ts': "await new Promise((resolve) => setTimeout(resolve, 3000));\nexport const warmedUp = true;\n",
  'store.ts': `import { warmedUp } from './warmup.js';\n${STORE.replace('  get size(): number {', '  has(key: string): boolean {\n    return warmedUp && this.entries.has(key);\n  }\n\n  get size(): number {')}`,
});

describe('item 11: user errors are reported with a code and no baton stack trace', () => {
  it('baton run <dir> says the entry is a directory (E_USAGE, exit 64)', async () => {
    const r = await batonWithin(['run', join(FIX, 'v1')], 30_000);
    assert.equal(r.code, 64);
    assert.match(r.stderr, new RegExp(`baton: ${join(FIX, 'v1')} is a directory \\[E_USAGE\\]\\n  give the program's entry file in it`));
    assertCleanError(r.stderr);
  });

  it('a program\'s own top-level error is printed as node prints it, with node\'s exit code, and reaches the program\'s handlers', async () => {
    const root = writeVersions({
      fails: { 'main.ts': "const n: number = 1;\nfunction boot(): void {\n  throw new Error(`the program failed to boot ${n}`);\n}\nboot();\n" },
      handled: { 'main.ts': "process.on('uncaughtException', (e) => {\n  console.log(`handled ${(e as Error).message}`);\n  process.exitCode = 5;\n});\nthrow new Error('boom');\n" },
      value: { 'main.ts': 'throw 42;\n' },
    });
    const fails = new Program([join(root, 'fails', 'main.ts')]);
    assert.equal((await fails.exited).code, 1);
    const file = join(root, 'fails', 'main.ts');
    assert.ok(
      fails.errors.startsWith(`${file}:3\n  throw new Error(\`the program failed to boot \${n}\`);\n        ^\n\nError: the program failed to boot 1\n    at boot (${file}:3:9)\n`),
      fails.errors,
    );
    assert.match(fails.errors, /\n\nNode\.js v\d+\.\d+\.\d+\n$/);
    assert.doesNotMatch(fails.errors, /baton:|E_INTERNAL/);

    const handled = new Program([join(root, 'handled', 'main.ts')]);
    assert.equal((await handled.exited).code, 5);
    assert.match(handled.output, /handled boom/);
    assert.equal(handled.errors, '');

    const value = new Program([join(root, 'value', 'main.ts')]);
    assert.equal((await value.exited).code, 1);
    assert.match(value.errors, /^42\n\(Use `node --trace-uncaught \.\.\.` to show where the exception was thrown\)\n/);
    assert.doesNotMatch(value.errors, /baton:|E_INTERNAL/);
  });

  it('a target path that is a regular file is not a control socket (E_NOT_A_SOCKET), and is left as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-notsock-'));
    const file = join(dir, '1234.sock');
    writeFileSync(file, 'just a file');
    const r = await batonWithin(['status', file], 30_000);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`baton: ${file} is a regular file, not a control socket \\[E_NOT_A_SOCKET\\]`));
    assertCleanError(r.stderr);
    const json = await batonWithin(['update', file, join(FIX, 'v2'), '--json', '--no-check'], 30_000);
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.stdout) as { status: string; error: { code: string } }).error.code, 'E_NOT_A_SOCKET');
    assert.equal(readFileSync(file, 'utf8'), 'just a file');
  });

  describe('as another user (uid 65534)', () => {
    let program: Program;
    before(async () => {
      program = new Program(['--name', `err-owner-${process.pid}`, join(FIX, 'v1', 'main.ts')]);
      await program.waitFor(/port (\d+)/, 20_000);
    });
    after(() => program.stop());

    it('another user\'s socket: permission denied (E_ACCESS), not a stack trace', async () => {
      const socket = join(SOCKET_DIR, `${program.pid}.sock`);
      const r = await batonWithin(['status', socket], 30_000, { ...ENV, HOME: '/tmp' }, { uid: 65534, gid: 65534 });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`baton: cannot reach the control socket ${socket}: EACCES: permission denied.* \\[E_ACCESS\\]`));
      assertCleanError(r.stderr);
      // And the program is fine.
      const mine = await batonWithin(['status', socket, '--json'], 30_000);
      assert.equal(mine.code, 0, mine.stderr);
    });

    it('a control directory it cannot create: E_SOCKET_DIR naming the path, not a stack trace', async () => {
      const parent = mkdtempSync(join(tmpdir(), 'baton-rootonly-'));
      chmodSync(parent, 0o755);
      const dir = join(parent, 'sockets');
      const r = await batonWithin(['ls'], 30_000, { ...ENV, HOME: '/tmp', BATON_SOCKET_DIR: dir }, { uid: 65534, gid: 65534 });
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`baton: cannot create the control directory ${dir}: EACCES: permission denied.*\\[E_SOCKET_DIR\\]`));
      assertCleanError(r.stderr);
    });
  });

  describe('a read-only and a full file system where baton writes', () => {
    const readOnly = mkdtempSync(join(tmpdir(), 'baton-ro-'));
    const full = mkdtempSync(join(tmpdir(), 'baton-full-'));
    /** Two versions whose state type changed: `diff --stubs` writes a transformer stub into the new one. */
    const versions = {
      'v1/main.ts': 'export const scores = new Map<string, number>();\nscores.set("a", 1);\n',
      'v2/main.ts': 'export const scores = new Map<string, { points: number }>();\nscores.set("a", { points: 1 });\n',
    };
    const write = (root: string) => {
      for (const [path, text] of Object.entries(versions)) {
        mkdirSync(join(root, path, '..'), { recursive: true });
        writeFileSync(join(root, path), text);
      }
    };

    before(() => {
      // Real file systems, not mocks: a tmpfs remounted read-only, and a small tmpfs filled up (needs root, as this suite runs).
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', readOnly]);
      write(readOnly);
      execFileSync('mount', ['-o', 'remount,ro', readOnly]);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', full]);
      write(full);
      try {
        writeFileSync(join(full, 'filler'), Buffer.alloc(1024 * 1024));
      } catch {
        // ENOSPC: the disk is full now, as intended.
      }
    });
    after(() => {
      execFileSync('umount', [readOnly]);
      execFileSync('umount', [full]);
    });

    it('control directory on a read-only file system: E_SOCKET_DIR, for ls and for run', async () => {
      const env = { ...ENV, BATON_SOCKET_DIR: join(readOnly, 'sockets') };
      const ls = await batonWithin(['ls'], 30_000, env);
      assert.equal(ls.code, 1);
      assert.match(ls.stderr, /cannot create the control directory .*sockets: EROFS: read-only file system.*\[E_SOCKET_DIR\]/);
      const run = await batonWithin(['run', join(FIX, 'v1', 'main.ts')], 30_000, env);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /EROFS: read-only file system.*\[E_SOCKET_DIR\]/);
      assert.doesNotMatch(run.stdout, /port/);
      assertCleanError(ls.stderr + run.stderr);
    });

    it('diff --stubs into a read-only or a full file system: E_WRITE naming the file, which is left as it was', async () => {
      const ro = await batonWithin(['diff', join(readOnly, 'v1'), join(readOnly, 'v2'), '--stubs'], 60_000);
      assert.equal(ro.code, 1, ro.stdout + ro.stderr);
      assert.match(ro.stderr, /baton\.update\.ts \(EROFS: read-only file system.*\[E_WRITE\]/);
      const nospace = await batonWithin(['diff', join(full, 'v1'), join(full, 'v2'), '--stubs', '--json'], 60_000);
      assert.equal(nospace.code, 1, nospace.stdout + nospace.stderr);
      const error = (JSON.parse(nospace.stdout.slice(nospace.stdout.lastIndexOf('{\n  "status": "error"'))) as { error: { code: string; message: string } }).error;
      assert.equal(error.code, 'E_WRITE');
      assert.match(error.message, /baton\.update\.ts \(ENOSPC: no space left on device/);
      assertCleanError(ro.stderr + nospace.stdout + nospace.stderr);
    });
  });

  describe('refusals of updates', () => {
    let program: Program;
    let port: number;
    let digest: string;
    const name = `err-updates-${process.pid}`;

    before(async () => {
      program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')]);
      port = Number((await program.waitFor(/port (\d+)/, 20_000))[1]);
      assert.equal(await get(port, '/fill?n=500'), '500');
      digest = await get(port, '/digest');
    });
    after(() => program.stop());

    /** The program still runs v1 on the same state: now, and again a while later. */
    async function unchanged(): Promise<void> {
      assert.equal(await get(port, '/'), 'v1');
      assert.equal(await get(port, '/digest'), digest);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await get(port, '/'), 'v1');
      assert.equal(await get(port, '/digest'), digest);
    }

    it('rollback with nothing to return to: E_NO_PREVIOUS, exit 2, JSON with --json', async () => {
      const text = await batonWithin(['rollback', name], 30_000);
      assert.equal(text.code, 2);
      assert.match(text.stderr, /there is no previous version to return to \[E_NO_PREVIOUS\]/);
      const json = await batonWithin(['rollback', name, '--json'], 30_000);
      assert.equal(json.code, 2);
      assert.deepEqual((JSON.parse(json.stdout) as { status: string; error: { code: string } }).error.code, 'E_NO_PREVIOUS');
      const missing = await batonWithin(['status', 'no-such-program', '--json'], 30_000);
      assert.equal(missing.code, 1);
      assert.equal((JSON.parse(missing.stdout) as { error: { code: string } }).error.code, 'E_NO_TARGET');
      await unchanged();
    });

    it('a refusal by the check is in the program\'s history', async () => {
      const r = await batonWithin(['update', name, join(FIX, 'bad-type'), '--json'], 120_000);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.equal((JSON.parse(r.stdout) as Outcome).reason?.code, 'E_CHECK_FAILED');
      const status = await batonWithin(['status', name, '--json'], 30_000);
      const history = (JSON.parse(status.stdout) as { history: Array<{ kind: string; status: string; summary: string }> }).history;
      assert.equal(history.length, 1, status.stdout);
      assert.equal(history[0]!.kind, 'update');
      assert.equal(history[0]!.status, 'refused');
      assert.match(history[0]!.summary, /does not pass `baton check .*`: 1 problem\(s\) \[E_CHECK_FAILED\] \(refused by the check of .*bad-type\)/);
      const text = await batonWithin(['status', name], 30_000);
      assert.match(text.stdout, /update refused: v1 \w+ -> v1 \w+ .*E_CHECK_FAILED/);
      await unchanged();
    });

    it('non-UTF-8 source is refused naming the file and line, and nothing changes', async () => {
      const r = await batonWithin(['update', name, join(FIX, 'latin1'), '--json', '--no-check'], 120_000);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      const outcome = JSON.parse(r.stdout) as Outcome;
      assert.equal(outcome.status, 'refused');
      assert.equal(outcome.reason?.code, 'E_ENCODING');
      assert.equal(outcome.reason?.message, `${join(FIX, 'latin1', 'store.ts')} is not valid UTF-8 (line 2)`);
      await unchanged();
      // The same file as a program's entry: refused at start, not run with U+FFFD.
      const run = await batonWithin(['run', join(FIX, 'latin1', 'store.ts')], 30_000);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /store\.ts is not valid UTF-8 \(line 2\) \[E_ENCODING\]/);
      assertCleanError(run.stderr);
    });

    it('a symlink in the version directory leading outside it is refused naming the link, and nothing changes', async () => {
      const r = await batonWithin(['update', name, join(FIX, 'link'), '--json', '--no-check'], 120_000);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      const outcome = JSON.parse(r.stdout) as Outcome;
      assert.equal(outcome.status, 'refused');
      assert.equal(outcome.reason?.code, 'E_LINK_OUTSIDE');
      assert.equal(outcome.reason?.message, `${join(FIX, 'link', 'store.ts')} is a symbolic link to ${join(OUTSIDE, 'store.ts')}, outside the version directory ${join(FIX, 'link')}`);
      await unchanged();
      assert.equal(await get(port, '/set?k=new&v=1'), 'OK');
      assert.equal(await get(port, '/get?k=new'), '1', 'the outside code did not run');
      digest = await get(port, '/digest');
    });

    it('a second update while one prepares: E_BUSY, exit 2; the first applies on the same state', async () => {
      const slow = batonWithin(['update', name, join(FIX, 'slow'), '--json', '--no-check'], 120_000);
      // The first one is preparing (its new store.ts awaits 3 s) when the second arrives.
      await new Promise((r) => setTimeout(r, 1500));
      const busy = await batonWithin(['update', name, join(FIX, 'v2'), '--json', '--no-check'], 60_000);
      assert.equal(busy.code, 2, busy.stdout + busy.stderr);
      assert.equal((JSON.parse(busy.stdout) as { error: { code: string } }).error.code, 'E_BUSY');
      const first = await slow;
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.equal((JSON.parse(first.stdout) as Outcome).status, 'applied');
      await unchanged();
    });
  });
});

