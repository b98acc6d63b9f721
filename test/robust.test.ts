import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { baton, copyFixture, deriveVersion, ENV, freePort, get, Program, ROOT } from './helpers/baton.js';

// v1 -> v2: class Item's field `n` becomes `count`, and `label` is new (a lazy transformer).
// Variants of v2 below each fail in one way; none may cost state or hang the program.
const FIX = copyFixture('robust');
const v2 = (path: string) => readFileSync(join(FIX, 'v2', path), 'utf8');
const spec = v2('baton.update.ts');
// Transformers that write to their input, then throw: the write must not survive the abort.
deriveVersion(FIX, 'v2', 'v2-mutate-class', {
  'baton.update.ts': spec.replace("mode: 'lazy',", "mode: 'eager',").replace('// Stands for', "old.n = old.n + 1000;\n          if (old.name === 'b') throw new Error('half-way');\n          // Stands for"),
});
deriveVersion(FIX, 'v2', 'v2-mutate-binding', {
  'baton.update.ts': spec.replace('classes: {', "bindings: { 'store.ts': { journal: (old: string[]) => { old.push('mutated'); old.splice(0, 1); throw new Error('half-way'); } } },\n  classes: {"),
});
deriveVersion(FIX, 'v2', 'v2-async-hook', { 'baton.update.ts': spec.replace('classes: {', 'program: async () => undefined,\n  classes: {') });
// Synchronous infinite loops: in a transformer, and in the new version's top level.
deriveVersion(FIX, 'v2', 'v2-loop-transformer', { 'baton.update.ts': spec.replace("mode: 'lazy',", "mode: 'eager',").replace('// Stands for', 'for (;;) {}\n          // Stands for') });
// A changed module's new top-level statements do not run (module code runs once): the loops are in new modules.
deriveVersion(FIX, 'v2', 'v2-loop-top', { 'store.ts': `import './stuck.js';\n${v2('store.ts')}`, 'stuck.ts': 'while (Date.now() > 0) {}\nexport const stuck = true;\n' });
// A class declared again whose static block loops: the commit declares it, and a commit that runs
// code of the program's is watched even when its migration is lazy (one that runs none is not).
deriveVersion(FIX, 'v2', 'v2-loop-static', { 'store.ts': v2('store.ts').replace('  describe(): string {', '  static {\n    while (Date.now() > 0) {}\n  }\n  describe(): string {') });
// A top level that awaits forever.
deriveVersion(FIX, 'v2', 'v2-await-forever', { 'store.ts': `import './forever.js';\n${v2('store.ts')}`, 'forever.ts': 'await new Promise(() => undefined);\nexport const never = true;\n' });
// A binding transformer that copies its input: writes the program makes to the old value
// after it ran in prepare (here, while v1's dispose hook holds the update) must reach the new one.
deriveVersion(FIX, 'v2', 'v2-copy', {
  'baton.update.ts': spec.replace('classes: {', "bindings: { 'store.ts': { journal: (old: string[]) => [...old] } },\n  classes: {"),
});
// A lazy transformer that loops on one value, which appears after prepare checked every instance.
deriveVersion(FIX, 'v2', 'v2-late-loop', { 'baton.update.ts': spec.replace('// Stands for', "if (old.name === 'late') for (;;) {}\n          // Stands for") });
// A module file that is a FIFO: reading it would wait for a writer forever.
deriveVersion(FIX, 'v2', 'v2-fifo', { 'store.ts': null });
execFileSync('mkfifo', [join(FIX, 'v2-fifo', 'store.ts')]);

interface Outcome {
  status: string;
  reason?: { code: string; message: string };
  modules?: Array<{ id: string; classes: Array<{ name: string; mode: string }> }>;
}

async function update(name: string, dir: string, ...extra: string[]): Promise<{ code: number | null; outcome: Outcome }> {
  const r = await baton(['update', name, join(FIX, dir), '--json', '--no-check', ...extra]);
  assert.ok(r.stdout, r.stderr);
  return { code: r.code, outcome: JSON.parse(r.stdout) as Outcome };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a failed update never costs state and never hangs the program', () => {
  let program: Program | undefined;
  let port: number;
  let name = '';
  let started = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const q = (path: string) => get(port, path, agent);

  /** The state is what it was, the program answers, and still does a while later (nothing runs behind the abort). */
  async function unchanged(before: string): Promise<void> {
    assert.equal(await q('/digest'), before);
    assert.equal(await q('/version'), 'v1');
    await pause(800);
    assert.equal(program?.child.exitCode, null, `the program exited: ${program?.errors.slice(-800)}`);
    assert.equal(await q('/digest'), before);
  }

  /** A program that answers: the one of the previous test, unless that test killed or froze it (as the old code did). */
  async function answering(): Promise<boolean> {
    if (!program || program.child.exitCode !== null || program.child.signalCode !== null) return false;
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('frozen'), 3000).unref());
    const answer = await Promise.race([q('/version').catch(() => 'dead'), timeout]);
    return answer !== 'dead' && answer !== 'frozen';
  }

  beforeEach(async () => {
    if (!(await answering())) await restart();
  });

  async function restart(): Promise<void> {
    await program?.stop();
    // Keep-alive sockets to the old process would be reused if the new one gets the same port.
    agent.destroy();
    name = `robust-${process.pid}-${++started}`;
    program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')], { ...ENV, PORT: String(await freePort()) });
    port = Number((await program.waitFor(/port (\d+)/))[1]);
    for (const [k, n] of [['a', 1], ['b', 2], ['c', 3]] as const) await q(`/set?k=${k}&n=${n}`);
  }
  after(async () => {
    agent.destroy();
    await program?.stop();
  });

  it('a lazy transformer that fails on one instance (not the sample) aborts in prepare; the program lives on', { timeout: 60_000 }, async () => {
    await q('/set?k=poison&n=9');
    const before = await q('/digest');
    const { code, outcome } = await update(name, 'v2');
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.equal(outcome.status, 'aborted');
    assert.match(outcome.reason?.message ?? '', /cannot convert poison/);
    await unchanged(before);
    await q('/del?k=poison');
  });

  it('a class transformer that modifies its input and then throws leaves the state digest as it was', { timeout: 60_000 }, async () => {
    const before = await q('/digest');
    const { code, outcome } = await update(name, 'v2-mutate-class');
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.match(outcome.reason?.message ?? '', /wrote to the old state \(field 'n'\)/);
    await unchanged(before);
  });

  it('a binding transformer that modifies its input and then throws leaves the state digest as it was', { timeout: 60_000 }, async () => {
    const before = await q('/digest');
    const { code, outcome } = await update(name, 'v2-mutate-binding');
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.match(outcome.reason?.message ?? '', /transformer of journal in store\.ts wrote to the old state/);
    await unchanged(before);
  });

  it('an async program hook aborts the update before commit', { timeout: 60_000 }, async () => {
    const before = await q('/digest');
    const { code, outcome } = await update(name, 'v2-async-hook');
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.equal(outcome.reason?.code, 'E_ASYNC_TRANSFORMER');
    await unchanged(before);
  });

  it('a transformer stuck in a synchronous loop is interrupted: aborted, the program serves on', { timeout: 60_000 }, async () => {
    const before = await q('/digest');
    const started = Date.now();
    const { code, outcome } = await update(name, 'v2-loop-transformer', '--timeout', '1500');
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.equal(outcome.reason?.code, 'E_TIMEOUT');
    assert.match(outcome.reason?.message ?? '', /class transformer ran synchronously for more than/);
    assert.ok(Date.now() - started < 20_000);
    await unchanged(before);
  });

  it('a new top level stuck in a synchronous loop is interrupted: aborted, the program serves on', { timeout: 60_000 }, async () => {
    const before = await q('/digest');
    const { code, outcome } = await update(name, 'v2-loop-top', '--timeout', '1500');
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.equal(outcome.reason?.code, 'E_TIMEOUT');
    assert.match(outcome.reason?.message ?? '', /top level of stuck\.ts \(new version\) ran synchronously/);
    await unchanged(before);
    // The runner's globals (swapped for a top level's synchronous part) are back: a timer still works.
    assert.equal(await q('/version'), 'v1');
  });

  it('a class declared again whose static block loops is interrupted at commit: aborted, the program serves on', { timeout: 60_000 }, async () => {
    const before = await q('/digest');
    const { code, outcome } = await update(name, 'v2-loop-static', '--timeout', '1500');
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.equal(outcome.reason?.code, 'E_TIMEOUT');
    assert.match(outcome.reason?.message ?? '', /the commit ran synchronously for more than/);
    await unchanged(before);
  });

  it('a top level that awaits forever aborts at the deadline; meanwhile status shows the update and its phase', { timeout: 60_000 }, async () => {
    const before = await q('/digest');
    const pending = update(name, 'v2-await-forever', '--timeout', '3000');
    let status = '';
    for (let i = 0; i < 40 && !/evaluate phase/.test(status); i++) {
      await pause(100);
      status = (await baton(['status', name])).stdout;
    }
    assert.match(status, /updating update in progress: evaluate phase/);
    const { code, outcome } = await pending;
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.equal(outcome.reason?.code, 'E_TIMEOUT');
    assert.match(outcome.reason?.message ?? '', /evaluate phase did not finish within 3000 ms/);
    assert.doesNotMatch((await baton(['status', name])).stdout, /in progress/);
    await unchanged(before);
  });

  it('a module file that is a FIFO is refused at once, not waited on', { timeout: 60_000 }, async () => {
    const before = await q('/digest');
    const { code, outcome } = await update(name, 'v2-fifo');
    assert.equal(code, 2, JSON.stringify(outcome));
    assert.equal(outcome.reason?.code, 'E_BAD_DIR');
    assert.match(outcome.reason?.message ?? '', /store\.ts is not a regular file/);
    await unchanged(before);
  });

  it('after all that the program takes the next update; a transformer failing after commit is recorded, not fatal', { timeout: 60_000 }, async () => {
    const { code, outcome } = await update(name, 'v2');
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.equal(outcome.status, 'applied');
    assert.equal(await q('/version'), 'v2');
    assert.equal(await q('/get?k=a'), 'a#1 (converted)');
    // Only a closure holds this instance: prepare never saw it, its transformer throws on first use.
    assert.equal(await q('/badge'), 'hidden-poison#undefined (undefined)');
    const status = (await baton(['status', name])).stdout;
    assert.match(status, /failed {3}store\.ts Item: the transformer failed on 1 instance\(s\) after commit; they keep their old fields \(last: cannot convert hidden-poison\)/);
    await pause(800);
    assert.equal(program?.child.exitCode, null, program?.errors.slice(-800));
    assert.equal(await q('/badge'), 'hidden-poison#undefined (undefined)');
    const digest = JSON.parse(await q('/digest')) as { items: Array<[string, object, boolean]>; journal: string[] };
    assert.deepEqual(digest.items, [
      ['a', { name: 'a', count: 1, label: 'converted' }, true],
      ['b', { name: 'b', count: 2, label: 'converted' }, true],
      ['c', { name: 'c', count: 3, label: 'converted' }, true],
    ]);
    assert.deepEqual(digest.journal, ['a', 'b', 'c', 'poison']);
  });

  const v1Items = [
    ['a', { name: 'a', n: 1 }, true],
    ['b', { name: 'b', n: 2 }, true],
    ['c', { name: 'c', n: 3 }, true],
  ];

  it("rollback restores the code that ran, though the previous version's directory was deleted since", { timeout: 60_000 }, async () => {
    rmSync(join(FIX, 'v1'), { recursive: true });
    const r = await baton(['rollback', name, '--json']);
    const outcome = JSON.parse(r.stdout) as Outcome;
    assert.equal(r.code, 0, r.stdout);
    assert.equal(outcome.status, 'applied');
    assert.equal(await q('/version'), 'v1');
    assert.equal(await q('/get?k=b'), 'b=2');
    assert.deepEqual((JSON.parse(await q('/digest')) as { items: unknown }).items, v1Items);
    await pause(800);
    assert.equal(program?.child.exitCode, null, program?.errors.slice(-800));
    assert.deepEqual((JSON.parse(await q('/digest')) as { items: unknown }).items, v1Items);
  });

  it("rollback restores the code that ran, not what the previous version's directory holds now", { timeout: 60_000 }, async () => {
    const { code, outcome } = await update(name, 'v2');
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.equal(await q('/version'), 'v2');
    // The directory comes back with other code in it: a rollback must not run code that never ran.
    deriveVersion(FIX, 'v2', 'v1', { 'store.ts': `${v2('store.ts').replace("VERSION = 'v2'", "VERSION = 'edited on disk'")}`, 'baton.update.ts': null });
    const r = await baton(['rollback', name, '--json']);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(await q('/version'), 'v1');
    assert.equal(await q('/get?k=c'), 'c=3');
    await pause(800);
    assert.equal(program?.child.exitCode, null, program?.errors.slice(-800));
    assert.deepEqual((JSON.parse(await q('/digest')) as { items: unknown }).items, v1Items);    // The fixture's v1 again, for the programs later tests start.
    rmSync(join(FIX, 'v1'), { recursive: true });
    cpSync(join(ROOT, 'test', 'fixtures', 'robust', 'v1'), join(FIX, 'v1'), { recursive: true });
  });

  it('a binding transformer runs again at commit: what the program wrote while the update prepared is kept', { timeout: 60_000 }, async () => {
    await q('/slow-dispose?ms=2000');
    const pending = update(name, 'v2-copy', '--timeout', '10000');
    let status = '';
    for (let i = 0; i < 50 && !/dispose phase/.test(status); i++) status = (await baton(['status', name])).stdout;
    assert.match(status, /dispose phase/);
    await q('/set?k=during&n=5');
    const { code, outcome } = await pending;
    assert.equal(code, 0, JSON.stringify(outcome));
    const digest = JSON.parse(await q('/digest')) as { items: Array<[string, { count: number }]>; journal: string[] };
    assert.equal(digest.journal.at(-1), 'during', JSON.stringify(digest.journal));
    assert.equal(await q('/get?k=during'), 'during#5 (converted)');
    await pause(800);
    assert.equal((JSON.parse(await q('/digest')) as { journal: string[] }).journal.at(-1), 'during');
  });

  it('a lazy transformer looping after commit on a value prepare never saw is interrupted; the program serves on', { timeout: 60_000 }, async () => {
    await restart();
    await q('/slow-dispose?ms=2000');
    const pending = update(name, 'v2-late-loop', '--timeout', '10000');
    let status = '';
    for (let i = 0; i < 50 && !/dispose phase/.test(status); i++) status = (await baton(['status', name])).stdout;
    assert.match(status, /dispose phase/);
    // Made after prepare ran the transformer on every instance: only the sweep (or a first access) meets it.
    await q('/set?k=late&n=6');
    const { code, outcome } = await pending;
    assert.equal(code, 0, JSON.stringify(outcome));
    for (let i = 0; i < 50 && !/failed {3}store\.ts Item/.test(status); i++) {
      await pause(100);
      status = (await baton(['status', name])).stdout;
    }
    assert.match(status, /failed {3}store\.ts Item: the transformer failed on 1 instance\(s\) after commit; they keep their old fields \(last: a lazy class transformer ran synchronously for more than 1000 ms/);
    // The program serves, the value kept its old fields, and the others were migrated.
    assert.equal(await q('/get?k=late'), 'late#undefined (undefined)');
    assert.equal(await q('/get?k=a'), 'a#1 (converted)');
    await pause(800);
    assert.equal(program?.child.exitCode, null, program?.errors.slice(-800));
    const digest = JSON.parse(await q('/digest')) as { items: Array<[string, object, boolean]> };
    assert.deepEqual(digest.items.find(([k]) => k === 'late'), ['late', { name: 'late', n: 6 }, true]);
  });
});

// Keep the FIFO from outliving the test run in /tmp.
process.on('exit', () => rmSync(join(FIX, 'v2-fifo', 'store.ts'), { force: true }));
