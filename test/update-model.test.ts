import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Runtime } from '../src/program/update/runtime.js';
import type { UpdateOutcome } from '../src/protocol/outcome.js';
import { writeVersions } from './helpers/baton.js';

// Fast unit tests of the update model: the program's module graph runs in
// this process (no CLI, no socket), is updated through the runtime's own
// request handler, and its modules' exports are read directly.

async function start(versions: Record<string, Record<string, string>>): Promise<{ runtime: Runtime; root: string; ns: (id: string) => Record<string, unknown> }> {
  const root = writeVersions(versions);
  const runtime = new Runtime('unit', join(root, 'v1', 'main.ts'), join(root, 'unused.sock'));
  await runtime.start();
  const ns = (id: string) => runtime.graph.records.get(id)!.namespace as Record<string, unknown>;
  return { runtime, root, ns };
}

async function update(runtime: Runtime, dir: string, timeoutMs = 5000): Promise<UpdateOutcome> {
  const body = await runtime.handle({ type: 'update', dir, dryRun: false, timeoutMs });
  assert.equal(body.type, 'outcome');
  return (body as { outcome: UpdateOutcome }).outcome;
}

const call = (ns: Record<string, unknown>, name: string, ...args: unknown[]) => (ns[name] as (...a: unknown[]) => unknown)(...args);

describe('the update model, in process', () => {
  it('keeps closure-held state when a module gains a constant, a function and an export; runs no statement again', async () => {
    const main = (extra: string) => `const hits = new Map<string, number>();
let started = 0;
function makeCounter() {
  started++;
  return (key: string) => {
    const n = (hits.get(key) ?? 0) + 1;
    hits.set(key, n);
    return n;
  };
}
export const count = makeCounter();
export function starts() { return started; }
${extra}`;
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': main('') },
      v2: { 'main.ts': main("const PREFIX = 'n=';\nexport function show(key: string) { return PREFIX + (hits.get(key) ?? 0); }\nstarted += 100;\n") },
    });
    call(ns('main.ts'), 'count', 'a');
    call(ns('main.ts'), 'count', 'a');
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'applied');
    assert.equal(outcome.modules[0]?.mechanism, 'live');
    assert.equal(call(ns('main.ts'), 'show', 'a'), 'n=2');
    assert.equal(call(ns('main.ts'), 'count', 'a'), 3);
    assert.equal(call(ns('main.ts'), 'starts'), 1, 'neither makeCounter() nor the new statement ran again');
  });

  it('recomputes a changed pure config, its default export and what derives from it', async () => {
    const config = (limit: number) => `const config = { limit: ${limit}, name: 'svc' };\nexport const doubled = config.limit * 2;\nexport default config;\n`;
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': "import config, { doubled } from './config.js';\nexport const read = () => [config.limit, doubled];\n", 'config.ts': config(3) },
      v2: { 'main.ts': "import config, { doubled } from './config.js';\nexport const read = () => [config.limit, doubled];\n", 'config.ts': config(5) },
    });
    assert.deepEqual(call(ns('main.ts'), 'read'), [3, 6]);
    assert.equal((await update(runtime, join(root, 'v2'))).status, 'applied');
    assert.deepEqual(call(ns('main.ts'), 'read'), [5, 10]);
  });

  it('adds, replaces and removes methods on the live class; instances and instanceof follow', async () => {
    const shapes = (members: string) => `export class Box {\n  static made = 0;\n  constructor(public size: number) { Box.made++; }\n${members}\n}\nexport const boxes = [new Box(1), new Box(2)];\n`;
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': "export * from './shapes.js';\n", 'shapes.ts': shapes('  area() { return this.size ** 2; }\n  old() { return 1; }') },
      v2: { 'main.ts': "export * from './shapes.js';\n", 'shapes.ts': shapes('  area() { return this.size ** 2; }\n  get double() { return this.size * 2; }\n  async later() { return this.area(); }') },
    });
    const [a, b] = ns('shapes.ts')['boxes'] as Array<Record<string, unknown>>;
    const Box = ns('shapes.ts')['Box'];
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'applied');
    assert.equal(outcome.modules.find((m) => m.id === 'shapes.ts')?.mechanism, 'live');
    assert.equal(ns('shapes.ts')['Box'], Box, 'the same class');
    assert.equal(b!['double'], 4);
    assert.equal(await (b!['later'] as () => Promise<number>).call(b), 4);
    assert.equal(a!['old'], undefined);
    assert.equal((Box as { made: number }).made, 2, 'the class was not evaluated again');
  });

  it('an added top-level setInterval does not run; named in the update file it runs once, after the commit', async () => {
    const jobs = (extra: string) => `export let ticks = 0;\nexport function tick() { ticks++; }\n${extra}`;
    const timer = 'setInterval(tick, 5).unref();\n';
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': "export * from './jobs.js';\n", 'jobs.ts': jobs('') },
      v2: { 'main.ts': "export * from './jobs.js';\n", 'jobs.ts': jobs(timer) },
      v3: { 'main.ts': "export * from './jobs.js';\n", 'jobs.ts': jobs(`${timer}tick();\n`), 'baton.update.ts': "export default { run: { 'jobs.ts': ['tick();'] } };\n" },
    });
    assert.equal((await update(runtime, join(root, 'v2'))).status, 'applied');
    await sleep(50);
    assert.equal(ns('jobs.ts')['ticks'], 0, 'the new interval did not run');
    const outcome = await update(runtime, join(root, 'v3'));
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    assert.equal(ns('jobs.ts')['ticks'], 1, 'the named statement ran once');
  });

  it('a module moved to a folder index keeps its instance and state', async () => {
    const store = (extra: string) => `let n = 0;\nexport function bump() { return ++n; }\n${extra}`;
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': "export { bump } from './store.js';\n", 'store.ts': store('') },
      v2: { 'main.ts': "export { bump, peek } from './store/index.js';\n", 'store/index.ts': store('export function peek() { return n; }\n') },
    });
    call(ns('main.ts'), 'bump');
    call(ns('main.ts'), 'bump');
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    assert.deepEqual(outcome.modules.map((m) => [m.id, m.mechanism]).sort(), [['main.ts', 'live'], ['store/index.ts', 'live']]);
    assert.equal(call(ns('main.ts'), 'peek'), 2);
    assert.equal(call(ns('main.ts'), 'bump'), 3);
    assert.ok(runtime.graph.records.has('store/index.ts') && !runtime.graph.records.has('store.ts'));
  });

  it('an update that transforms state waits for suspended frames of changed async functions, or aborts naming them', async () => {
    const game = (score: string) => `export const scores = new Map<string, ${score}>();\nlet release: (() => void) | undefined;\nexport function next() { release?.(); }\nexport async function round() {\n  await new Promise<void>((r) => (release = r));\n  scores.set('ann', ${score === 'number' ? '1' : '{ points: 1 }'});\n}\n`;
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': "export * from './game.js';\n", 'game.ts': game('number') },
      v2: {
        'main.ts': "export * from './game.js';\n",
        'game.ts': game('{ points: number }'),
        'baton.update.ts': "export default { bindings: { 'game.ts': { scores: (old: Map<string, number>) => new Map([...old].map(([k, v]) => [k, { points: v }])) } } };\n",
      },
    });
    const running = call(ns('main.ts'), 'round') as Promise<void>;
    const aborted = await update(runtime, join(root, 'v2'), 200);
    assert.equal(aborted.status, 'aborted');
    assert.equal(aborted.status === 'aborted' && aborted.reason.code, 'E_FRAMES_IN_FLIGHT');
    const waiting = update(runtime, join(root, 'v2'));
    await sleep(100);
    call(ns('main.ts'), 'next');
    await running;
    const applied = await waiting;
    assert.equal(applied.status, 'applied', JSON.stringify(applied));
    assert.deepEqual([...(ns('game.ts')['scores'] as Map<string, unknown>)], [['ann', { points: 1 }]]);
  });

  it('a module whose binding a transformer changes changes live: the transformer gets the live value, start-up code does not run again', async () => {
    const store = (extra: string) => `let starts = 0;
function open() { starts++; const data = new Map<string, number>(); return { put: (k: string, v: number) => data.set(k, v), size: () => data.size }; }
export const db = open();
export let totals = [1, 2];
export const startCount = () => starts;
${extra}`;
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': "export * from './store.js';\n", 'store.ts': store('') },
      v2: {
        'main.ts': "export * from './store.js';\n",
        'store.ts': store("export const UNIT = 'ms';\nexport function sum() { return totals.reduce((a, b) => a + b.n, 0) + UNIT; }\n"),
        'baton.update.ts': "export default { bindings: { 'store.ts': { totals: (old: number[]) => old.map((n) => ({ n })) } } };\n",
      },
    });
    const put = (ns('store.ts')['db'] as { put: (k: string, v: number) => void }).put;
    put('a', 1);
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    assert.equal(outcome.modules.find((m) => m.id === 'store.ts')?.mechanism, 'live');
    assert.equal(call(ns('store.ts'), 'sum'), '3ms');
    assert.equal(call(ns('store.ts'), 'startCount'), 1, 'open() did not run again');
    put('b', 2);
    assert.equal((ns('store.ts')['db'] as { size: () => number }).size(), 2, 'the closure-held map is the same one');
  });

  it('a class whose fields and constructor changed is declared again on the live module; old instances keep identity and get their new fields', async () => {
    const shapes = (body: string) => `export class Box {\n  static made = 0;\n${body}\n}\nconst held = new Box(3);\nexport const boxes = [new Box(1), new Box(2)];\nexport const heldArea = () => held.area();\n`;
    const v1 = shapes('  constructor(public size: number) { Box.made++; }\n  area() { return this.size ** 2; }');
    const v2 = shapes("  unit = 'cm';\n  constructor(public size: number, public label = 'box') { Box.made++; }\n  area() { return this.size ** 2 + this.unit; }");
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': "export * from './shapes.js';\n", 'shapes.ts': v1 },
      v2: {
        'main.ts': "export * from './shapes.js';\n",
        'shapes.ts': v2,
        'baton.update.ts': "export default { classes: { 'shapes.ts': { Box: { fields: (old: { size: number }) => ({ size: old.size, label: 'old', unit: 'cm' }) } } } };\n",
      },
    });
    const [a] = ns('shapes.ts')['boxes'] as Array<Record<string, unknown>>;
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    const report = outcome.modules.find((m) => m.id === 'shapes.ts');
    assert.equal(report?.mechanism, 'live');
    assert.deepEqual(report?.classes, [{ name: 'Box', instances: 3, mode: 'eager' }], 'the closure-held instance too');
    const Box = ns('shapes.ts')['Box'] as new (size: number) => Record<string, unknown>;
    assert.equal((ns('shapes.ts')['boxes'] as unknown[])[0], a, 'the same instance');
    assert.ok(a instanceof Box);
    assert.deepEqual({ ...a }, { size: 1, label: 'old', unit: 'cm' });
    assert.equal((a!['area'] as () => string).call(a), '1cm');
    assert.equal(call(ns('shapes.ts'), 'heldArea'), '9cm');
    assert.equal((Box as unknown as { made: number }).made, 3, 'the static count carried, no module code ran again');
    const fresh = new Box(2);
    assert.deepEqual({ ...fresh }, { unit: 'cm', size: 2, label: 'box' });
    assert.equal((Box as unknown as { made: number }).made, 4);
  });

  it('a lazy class transformer on a class declared again migrates on first access and by the sweep', async () => {
    const item = (fields: string) => `export class Item {\n${fields}\n  show() { return JSON.stringify(this); }\n}\nexport const items = [new Item('a'), new Item('b')];\n`;
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': "export * from './item.js';\n", 'item.ts': item('  constructor(public name: string) {}') },
      v2: {
        'main.ts': "export * from './item.js';\n",
        'item.ts': item('  tags: string[] = [];\n  constructor(public name: string) {}'),
        'baton.update.ts': "export default { classes: { 'item.ts': { Item: { mode: 'lazy', fields: (old: { name: string }) => ({ name: old.name, tags: ['old'] }) } } } };\n",
      },
    });
    const [a, b] = ns('item.ts')['items'] as Array<{ show(): string }>;
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    assert.equal(outcome.modules.find((m) => m.id === 'item.ts')?.classes[0]?.mode, 'lazy');
    assert.equal(a!.show(), '{"name":"a","tags":["old"]}');
    await sleep(100);
    assert.deepEqual({ ...b }, { name: 'b', tags: ['old'] }, 'the sweep reached the other');
  });

  it('a new module\'s timers wait for the commit: one that came due while a lazy migration prepared meets the new exports', async () => {
    // The lazy transformer's checks over 50k instances take several event-loop turns after the new module ran.
    const store = (v: 1 | 2) =>
      `export class Item {\n  constructor(public n: number${v === 2 ? ', public m = 0' : ''}) {}\n}\nexport const items = Array.from({ length: 50_000 }, (_, i) => new Item(i));\n` +
      (v === 2 ? "export function added() { return 'added'; }\n" : '');
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': "export * from './store.js';\n", 'store.ts': store(1) },
      v2: {
        'main.ts': "export * from './store.js';\nimport './tick.js';\n",
        'store.ts': store(2),
        'tick.ts': "import { added } from './store.js';\nexport const seen: string[] = [];\nsetImmediate(() => seen.push('immediate ' + added()));\nsetTimeout(() => seen.push('timeout ' + added()), 0);\n",
        'baton.update.ts': "export default { classes: { 'store.ts': { Item: { mode: 'lazy', fields: (old: { n: number }) => ({ n: old.n, m: 1 }) } } } };\n",
      },
    });
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    await sleep(50);
    assert.deepEqual([...(ns('tick.ts')['seen'] as string[])].sort(), ['immediate added', 'timeout added']);
    await sleep(1000);
    assert.deepEqual([...(ns('tick.ts')['seen'] as string[])].sort(), ['immediate added', 'timeout added'], 'each ran once');
  });

  it('a new import of a program module and of a new module links to the live module; the new module runs once', async () => {
    const main = (extra: string) => `import { other } from './other.js';\nlet calls = 0;\nexport function hit() { return ++calls + other(); }\n${extra}`;
    const loaded = { 'util.ts': 'export const twice = (n: number) => n * 2;\n', 'other.ts': "import { twice } from './util.js';\nexport const other = () => twice(0);\n" };
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': main(''), ...loaded },
      v2: {
        'main.ts': `import { twice } from './util.js';\nimport { greet, loads } from './greet.js';\n${main('export function both() { return greet(String(twice(calls))) + loads(); }\n')}`,
        ...loaded,
        'greet.ts': "let loaded = 0;\nloaded++;\nexport const greet = (s: string) => 'hi ' + s;\nexport const loads = () => loaded;\n",
      },
    });
    call(ns('main.ts'), 'hit');
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    assert.deepEqual(outcome.modules.map((m) => [m.id, m.mechanism]).sort(), [['greet.ts', 'added'], ['main.ts', 'live']]);
    assert.equal(call(ns('main.ts'), 'both'), 'hi 21');
    assert.equal(call(ns('main.ts'), 'hit'), 2, 'state kept');
  });

  it('a new class, and a function whose arity and kind changed, are declared on the live module; a stored reference calls the new body', async () => {
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': 'export function handle(a: number) { return a + 1; }\nexport const routes = new Map([["h", handle]]);\n' },
      v2: { 'main.ts': 'export async function handle(a: number, b = 10) { return new Tag(a + b).text(); }\nexport const routes = new Map([["h", handle]]);\nexport class Tag { constructor(readonly n: number) {} text() { return `#${this.n}`; } }\n' },
    });
    const stored = (ns('main.ts')['routes'] as Map<string, (a: number) => unknown>).get('h')!;
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    assert.equal(outcome.modules[0]?.mechanism, 'live');
    assert.equal(await call(ns('main.ts'), 'handle', 1, 2), '#3');
    assert.equal(await stored(1), '#11', 'the old function object calls the new body');
  });

  it('a change the live module cannot take is refused with E_NOT_LIVE, naming the file and the binding; nothing changes', async () => {
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': 'let a = 1, b = 2;\nexport const read = () => a + b;\n' },
      v2: { 'main.ts': 'let a = 1;\nlet b = 5;\nexport const read = () => a * b;\n' },
    });
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'refused');
    assert.equal(outcome.status === 'refused' && outcome.reason.code, 'E_NOT_LIVE');
    assert.match(outcome.status === 'refused' ? outcome.reason.message : '', /main\.ts.*\ba\b.*declared by a different statement/);
    assert.equal(call(ns('main.ts'), 'read'), 3);
  });

  it('a new module runs once, last in prepare: an update whose transformer throws runs none of its code', async () => {
    const g = globalThis as unknown as { __batonNewModuleRuns?: number };
    g.__batonNewModuleRuns = 0;
    const main = (extra: string) => `export let items = [1, 2];\n${extra}`;
    const v2main = main("import { mark } from './fresh.js';\nexport const marked = () => mark;\n");
    const fresh = "(globalThis as unknown as { __batonNewModuleRuns: number }).__batonNewModuleRuns++;\nexport const mark = 'fresh';\n";
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': main('') },
      bad: { 'main.ts': v2main, 'fresh.ts': fresh, 'baton.update.ts': "export default { bindings: { 'main.ts': { items: () => { throw new Error('no'); } } } };\n" },
      v2: { 'main.ts': v2main, 'fresh.ts': fresh },
    });
    const aborted = await update(runtime, join(root, 'bad'));
    assert.equal(aborted.status, 'aborted', JSON.stringify(aborted));
    assert.equal(g.__batonNewModuleRuns, 0, 'fresh.ts did not run');
    const applied = await update(runtime, join(root, 'v2'));
    assert.equal(applied.status, 'applied', JSON.stringify(applied));
    assert.equal(g.__batonNewModuleRuns, 1, 'fresh.ts ran once');
    assert.equal(call(ns('main.ts'), 'marked'), 'fresh');
  });

  it('the program hook runs at commit: it reads a new binding of a live module and moves old state into it', async () => {
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': 'export const db = new Map([["a", 1]]);\nexport const read = (k: string) => db.get(k);\n' },
      v2: {
        'main.ts': 'export const db = new Map<string, number>();\nexport const dbs: Map<string, number>[] = [new Map(), new Map()];\nexport const read = (k: string, i = 0) => dbs[i]!.get(k);\n',
        'baton.update.ts': "export default { program: (s: { get(m: string, n: string): unknown; old(m: string, n: string): unknown }) => { (s.get('main.ts', 'dbs') as unknown[])[0] = s.old('main.ts', 'db'); } };\n",
      },
    });
    const db = ns('main.ts')['db'];
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    assert.equal((ns('main.ts')['dbs'] as unknown[])[0], db, 'the same Map, not a read-only view of it');
    assert.equal(call(ns('main.ts'), 'read', 'a'), 1);
  });

  it('a changed table of functions in an importer is recomputed after its import declares a function again (imports first)', async () => {
    const commands = (extra: string) => `import { del } from './z-keys.js';\nexport const table = new Map([['del', del]${extra}]);\nexport const run = (a: string, b?: string) => table.get('del')!(a, b as string);\n`;
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': "export * from './a-commands.js';\n", 'a-commands.ts': commands(''), 'z-keys.ts': 'export function del(a: string) { return `del ${a}`; }\n' },
      v2: { 'main.ts': "export * from './a-commands.js';\n", 'a-commands.ts': commands(", ['rm', del]"), 'z-keys.ts': 'export function del(a: string, db: string) { return `del ${a} in ${db}`; }\n' },
    });
    const outcome = await update(runtime, join(root, 'v2'));
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    assert.equal(call(ns('main.ts'), 'run', 'k', '2'), 'del k in 2', 'the table holds the function declared again, which passes both arguments');
  });
  it('a removed binding lets go of its value; added back (by an update or a rollback), it takes the new initializer, and old import getters read it', async () => {
    const lib = (extra: string) => `export function base() { return 1; }\n${extra}`;
    const { runtime, root, ns } = await start({
      v1: { 'main.ts': 'import { extra, base, LIMIT, cache } from "./lib.js";\nexport const go = () => base() + extra() + LIMIT + cache.size;\n', 'lib.ts': lib('export function extra() { return 10; }\nexport const LIMIT = 5;\nexport const cache = new Map([[1, 1]]);\n') },
      v2: { 'main.ts': 'import { base } from "./lib.js";\nexport const go = () => base();\n', 'lib.ts': lib('') },
      v3: { 'main.ts': 'import { extra, base, LIMIT, cache } from "./lib.js";\nexport const go = () => base() + extra() + LIMIT + cache.size;\n', 'lib.ts': lib('export function extra() { return 20; }\nexport const LIMIT = 7;\nexport const cache = new Map<number, number>();\n') },
    });
    const binding = (name: string) => runtime.graph.records.get('lib.ts')!.current.bindings[name]![0]();
    assert.equal(call(ns('main.ts'), 'go'), 17);
    assert.equal((await update(runtime, join(root, 'v2'))).status, 'applied');
    assert.equal(call(ns('main.ts'), 'go'), 1);
    assert.equal(binding('cache'), undefined, 'the removed cache is no longer held');
    const back = await runtime.handle({ type: 'rollback', dryRun: false, timeoutMs: 5000 });
    assert.equal((back as { outcome: UpdateOutcome }).outcome.status, 'applied');
    assert.equal(call(ns('main.ts'), 'go'), 17, 'v1 again: its initializers gave LIMIT and cache their values');
    assert.equal((await update(runtime, join(root, 'v2'))).status, 'applied');
    assert.equal((await update(runtime, join(root, 'v3'))).status, 'applied');
    assert.equal(call(ns('main.ts'), 'go'), 28, 'LIMIT is 7 and the cache new, through the import getters v1 defined');
    await sleep(1000);
    assert.equal(call(ns('main.ts'), 'go'), 28);
  });
});
