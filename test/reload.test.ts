import { strict as assert } from 'node:assert';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { baton, copyFixture, deriveVersion, ENV, freePort, get, Program, ROOT } from './helpers/baton.js';

// v1 and v2 of the fixture, plus three variants of v2 that each differ in one file.
const FIX = copyFixture('reload');
const v2File = (path: string) => readFileSync(join(FIX, 'v2', path), 'utf8');
// A module new in v2 whose top level throws when it is evaluated (a new module runs once, in prepare).
deriveVersion(FIX, 'v2', 'v2-broken', { 'util.ts': `throw new Error('util failed to start');\n${v2File('util.ts')}` });
deriveVersion(FIX, 'v2', 'v2-declined', { 'pinned.ts': "export const pinned = 'pinned-2';\nexport const extra = 1;\nimport.meta.hot?.decline();\n" });
deriveVersion(FIX, 'v2', 'v2-unchecked', { 'baton.update.ts': null });
// The same transformers, async: each returns a promise.
deriveVersion(FIX, 'v2', 'v2-async', { 'baton.update.ts': v2File('baton.update.ts').replace('data: (old: Map<string, string>) => {', 'data: async (old: Map<string, string>) => {') });
// An unrelated tree: no module of the running program in it.
const unrelated: Record<string, string | null> = { 'other.ts': 'export const other = 1;\n' };
for (const f of readdirSync(join(FIX, 'v2'))) unrelated[f] = null;
deriveVersion(FIX, 'v2', 'unrelated', unrelated);

interface Outcome {
  status: string;
  modules: Array<{ id: string; mechanism: string; reasons: string[]; bindings: Array<{ name: string; how: string }>; classes: Array<{ name: string; mode: string; instances: number }> }>;
  reason?: { code: string; message: string; stack?: string };
  warnings?: string[];
}

async function update(args: string[]): Promise<{ code: number | null; outcome: Outcome }> {
  const r = await baton([...args, '--json']);
  assert.ok(r.stdout, r.stderr);
  return { code: r.code, outcome: JSON.parse(r.stdout) as Outcome };
}

describe('baton update: structural changes with state carried and transformed, on the live modules', () => {
  let program: Program;
  let port: number;
  const name = `reload-${process.pid}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const q = (path: string) => get(port, path, agent);

  before(async () => {
    // A fixed address: a reloaded server takes over the listener its old version holds on the same address.
    program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')], { ...ENV, PORT: String(await freePort()) });
    port = Number((await program.waitFor(/port (\d+)/))[1]);
    await q('/set?k=a&v=1');
    await q('/set?k=b&v=2');
    await q('/user?id=u1&name=ada');
    await q('/account?id=acc1&owner=bob&balance=10');
    assert.equal(await q('/describe?id=acc1'), 'bob: 10 (seen 1)');
  });
  after(async () => {
    agent.destroy();
    await program.stop();
  });

  it('a new version whose top level throws is aborted with a .ts stack; the old version runs on its old state', async () => {
    const before = await q('/digest');
    const { code, outcome } = await update(['update', name, join(FIX, 'v2-broken')]);
    assert.equal(code, 3);
    assert.equal(outcome.status, 'aborted');
    assert.match(outcome.reason?.message ?? '', /util failed to start/);
    assert.match(outcome.reason?.stack ?? '', /v2-broken\/util\.ts:1:7/);
    assert.equal(await q('/digest'), before);
    assert.equal(await q('/version'), 'v1 pinned-1');
    assert.equal(await q('/beat'), 'beat-v1');
  });

  it('an async transformer aborts the update before commit; the state is intact and the program lives on', async () => {
    const before = await q('/digest');
    const { code, outcome } = await update(['update', name, join(FIX, 'v2-async'), '--no-check']);
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.equal(outcome.status, 'aborted');
    assert.equal(outcome.reason?.code, 'E_ASYNC_TRANSFORMER');
    assert.match(outcome.reason?.message ?? '', /transformer of data in store\.ts returned a promise/);
    assert.equal(await q('/digest'), before);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await q('/digest'), before, 'nothing wrote the state after the abort');
    assert.equal(await q('/version'), 'v1 pinned-1');
  });

  it('a directory without the running entry module (empty, or an unrelated tree) is refused and changes nothing', async () => {
    const before = await q('/digest');
    for (const dir of [mkdtempSync(join(tmpdir(), 'baton-empty-')), join(FIX, 'unrelated')]) {
      const { code, outcome } = await update(['update', name, dir, '--no-check']);
      assert.equal(code, 2, JSON.stringify(outcome));
      assert.equal(outcome.status, 'refused');
      assert.equal(outcome.reason?.code, 'E_BAD_DIR');
      assert.match(outcome.reason?.message ?? '', /has no main\.ts, the entry module of the running program/);
    }
    assert.equal(await q('/digest'), before);
    assert.equal(await q('/version'), 'v1 pinned-1');
  });

  it('an update that would reload a declined module is refused', async () => {
    const { code, outcome } = await update(['update', name, join(FIX, 'v2-declined')]);
    assert.equal(code, 2);
    assert.equal(outcome.status, 'refused');
    assert.match(outcome.reason?.message ?? '', /pinned\.ts called import\.meta\.hot\.decline\(\)/);
    assert.equal(await q('/version'), 'v1 pinned-1');
  });

  it('baton update type-checks the update first: a changed type with no transformer is refused at file:line', async () => {
    const r = await baton(['update', name, join(FIX, 'v2-unchecked')]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /v2-unchecked\/store\.ts:\d+: missing-transformer: binding data/);
    assert.match(r.stdout, /class Account|Account/);
    assert.match(r.stdout, /refused: .*\[E_CHECK_FAILED\]/);
    assert.equal(await q('/version'), 'v1 pinned-1');
  });

  it('a transformer that throws aborts the update; every key is intact (digest of the whole state)', async () => {
    await q('/set?k=poison&v=x');
    const before = await q('/digest');
    const { outcome } = await update(['update', name, join(FIX, 'v2')]);
    assert.equal(outcome.status, 'aborted');
    assert.match(outcome.reason?.message ?? '', /cannot convert key poison/);
    assert.match(outcome.reason?.stack ?? '', /v2\/baton\.update\.ts:\d+/);
    assert.equal(await q('/digest'), before);
    assert.equal(await q('/version'), 'v1 pinned-1');
    assert.equal(await q('/describe?id=acc1'), 'bob: 10 (seen 2)');
    await q('/del?k=poison');
  });

  let v1Digest = '';
  it('changes modules live, adds and deletes modules, carries and transforms state, migrates classes', async () => {
    v1Digest = await q('/digest');
    const { code, outcome } = await update(['update', name, join(FIX, 'v2')]);
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.equal(outcome.status, 'applied');
    const mech = Object.fromEntries(outcome.modules.map((m) => [m.id, m.mechanism]));
    // Every changed module changes on the live module, none is evaluated again; the transformers get the live
    // bindings, and the transformed classes are declared again with their instances moved to them.
    assert.deepEqual(mech, {
      'accounts.ts': 'live',
      'heart.ts': 'live',
      'main.ts': 'live',
      'store.ts': 'live',
      'users.ts': 'live',
      'util-old.ts': 'removed',
      'util.ts': 'added',
    });
    const store = outcome.modules.find((m) => m.id === 'store.ts')!;
    assert.deepEqual(store.bindings, [{ name: 'data', how: 'transformed' }]);
    const accounts = outcome.modules.find((m) => m.id === 'accounts.ts')!;
    assert.deepEqual(accounts.classes, [{ name: 'Account', mode: 'eager', instances: 1 }]);
    assert.ok(accounts.reasons.some((r) => r.startsWith('Account declared again')), accounts.reasons.join('; '));
    const users = outcome.modules.find((m) => m.id === 'users.ts')!;
    assert.equal(users.classes[0]?.mode, 'lazy');

    // The same keep-alive connection now reaches the new server's handler.
    assert.equal(await q('/version'), 'v2 pinned-1 size=2');
    assert.equal(await get(port, '/get?k=a'), '"1"');
    assert.equal(await q('/label?id=u1'), 'user ada <no email>');
    assert.equal(await q('/describe?id=acc1'), 'bob holds 10 (seen 3)', 'renamed field, private state kept');
    const digest = JSON.parse(await q('/digest')) as { data: Array<[string, { value: string }]>; users: Array<[string, object, string, boolean]>; accounts: Array<[string, object, boolean]> };
    assert.deepEqual(digest.data, [['a', { value: '1' }], ['b', { value: '2' }]]);
    assert.equal(digest.users[0]?.[3], true, 'old instance is an instance of the class as the program now names it');
    assert.deepEqual(digest.accounts[0], ['acc1', { holder: 'bob', balance: 10 }, true]);
    await q('/user?id=u2&name=grace');
    assert.equal(await q('/label?id=u2'), 'user grace <no email>');
  });

  it('an interval registered by v1 calls the new version of the module it imports', async () => {
    let beat = '';
    for (let i = 0; i < 100 && beat !== 'beat-v2'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      beat = await q('/beat');
    }
    assert.equal(beat, 'beat-v2');
  });

  it('rollback returns to the old code and, through the reverse transformers, to the old state', async () => {
    await q('/del?k=u2');
    const { code, outcome } = await update(['rollback', name]);
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.equal(outcome.status, 'applied');
    assert.equal(await q('/version'), 'v1 pinned-1');
    assert.equal(await q('/describe?id=acc1'), 'bob: 10 (seen 4)');
    const digest = JSON.parse(await q('/digest')) as { users: unknown[] };
    digest.users = digest.users.filter((u) => (u as [string])[0] !== 'u2');
    assert.deepEqual(digest, JSON.parse(v1Digest));
    const status = await baton(['status', name]);
    assert.match(status.stdout, /rollback applied: v2 \w+ -> v1/);
  });

  it('rollback with nothing to return to is refused (exit 2, as refusals are; JSON with --json)', async () => {
    const r = await baton(['rollback', name]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no previous version to return to \[E_NO_PREVIOUS\]/);
    const j = await baton(['rollback', name, '--json']);
    assert.equal(j.code, 2);
    const parsed = JSON.parse(j.stdout) as { status: string; error: { code: string } };
    assert.deepEqual([parsed.status, parsed.error.code], ['error', 'E_NO_PREVIOUS']);
  });
});

describe('baton update: a type changed behind an unchanged module', () => {
  it('runs the binding transformer in place for a module whose code did not change', async () => {
    const fix = join(ROOT, 'test', 'fixtures', 'hidden');
    const program = new Program(['--name', `hidden-${process.pid}`, join(fix, 'v1', 'main.ts')]);
    try {
      const port = Number((await program.waitFor(/port (\d+)/))[1]);
      await get(port, '/set?k=a&v=1');
      const r = await baton(['update', `hidden-${process.pid}`, join(fix, 'v2'), '--json']);
      const outcome = JSON.parse(r.stdout) as Outcome;
      assert.equal(outcome.status, 'applied', r.stdout);
      assert.deepEqual(
        outcome.modules.map((m) => [m.id, m.mechanism]),
        [
          ['main.ts', 'patch'],
          ['store.ts', 'state'],
        ],
      );
      assert.equal(await get(port, '/get?k=a'), '{"value":"1","hits":1}');
    } finally {
      await program.stop();
    }
  });
});

describe('baton update: an importer starts using an export that is new in this version', () => {
  it('patches the importer, adds the export on the live module (its top-level timer is not started again), and calls its accept callback', async () => {
    const fix = join(ROOT, 'test', 'fixtures', 'newexport');
    const target = `newexport-${process.pid}`;
    const program = new Program(['--name', target, join(fix, 'v1', 'main.ts')]);
    try {
      const port = Number((await program.waitFor(/port (\d+)/))[1]);
      assert.equal(await get(port, '/ada'), 'hello ada');
      const r = await baton(['update', target, join(fix, 'v2'), '--json']);
      const outcome = JSON.parse(r.stdout) as Outcome;
      assert.equal(outcome.status, 'applied', r.stdout);
      assert.deepEqual(
        outcome.modules.map((m) => [m.id, m.mechanism]),
        [
          ['lib.ts', 'live'],
          ['main.ts', 'patch'],
        ],
      );
      assert.equal(await get(port, '/ada'), 'HELLO ADA!');
      await program.waitFor(/accepted: shout is a function/);
      // The module was not evaluated again: its one interval runs on, calling the new code through its slot.
      assert.ok(!outcome.warnings?.some((w) => /lib\.ts: its old version started an interval/.test(w)), JSON.stringify(outcome.warnings));
    } finally {
      await program.stop();
    }
  });
});

describe('baton update: a lazy migration not yet finished when the next update arrives', () => {
  it('an instance only a closure holds goes through every transformer in turn on first access', async () => {
    const fix = join(ROOT, 'test', 'fixtures', 'chain');
    const target = `chain-${process.pid}`;
    const program = new Program(['--name', target, join(fix, 'v1', 'main.ts')]);
    try {
      const port = Number((await program.waitFor(/port (\d+)/))[1]);
      assert.equal(await get(port, '/'), 'n=1 | n=2');
      for (const v of ['v2', 'v3']) {
        const r = await baton(['update', target, join(fix, v), '--json']);
        assert.equal((JSON.parse(r.stdout) as Outcome).status, 'applied', r.stdout);
      }
      // 'a' was reachable (lazy sweep, then eager); the closure's instance is still v1-shaped until now.
      assert.equal(await get(port, '/'), 'n=001 tag=old | n=002 tag=old');
    } finally {
      await program.stop();
    }
  });
});
