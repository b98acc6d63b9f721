import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffCommand } from '../src/cli/diff.js';
import { planUpdate, planWithTypes, type ModulePlan, type UpdatePlan } from '../src/typeplan/plan-update.js';
import { writeStubs } from '../src/typeplan/stubs.js';
import { planDirectories } from '../src/compare/plan-directories.js';
import { BatonError } from '../src/protocol/errors.js';
import { writeVersions } from './helpers/baton.js';

// Runs from dist/test/: the fixtures stay in the source tree.
const CASES = fileURLToPath(new URL('../../test/fixtures/diff/.cases/', import.meta.url));
const plan = (name: string) => planUpdate(join(CASES, name, 'v1'), join(CASES, name, 'v2'));

function mod(p: UpdatePlan, id: string): ModulePlan {
  const m = p.modules.find((x) => x.id === id);
  assert.ok(m, `module ${id} in the plan`);
  return m;
}

test('a change inside function bodies is a patch, naming the functions; a changed async function is a risk', async () => {
  const p = await plan('patch');
  const m = mod(p, 'util.ts');
  assert.equal(m.kind, 'patch');
  assert.ok(m.kind === 'patch' && m.functions.some((f) => f.name === 'greet' && f.change === 'changed'));
  assert.deepEqual(m.bindings, [{ kind: 'carried', name: 'calls', type: 'number', line: 1 }]);
  assert.deepEqual(p.transformers, []);
  assert.deepEqual(p.risks, [{ kind: 'suspendable', module: 'util.ts', function: 'fetchAll' }]);
});

test('a new export is added on the live module and named; state is carried by name', async () => {
  const p = await plan('reload');
  const m = mod(p, 'util.ts');
  assert.equal(m.kind, 'live');
  assert.ok(m.kind === 'live' && m.plan.added.includes('farewell') && m.plan.exportsAdded.includes('farewell'), 'the plan names the new function');
  assert.deepEqual(m.bindings.map((b) => [b.name, b.kind]), [['calls', 'carried']]);
  assert.deepEqual(p.transformers, []);
});

test('class fields added, removed, renamed (a guess) and changed in type; methods changed', async () => {
  const p = await plan('classes');
  const m = mod(p, 'store.ts');
  const entry = m.classes.find((c) => c.name === 'Entry');
  assert.ok(entry);
  assert.equal(entry.kind, 'changed');
  assert.deepEqual(new Set(entry.fields), new Set([
    { kind: 'renamed', from: 'createdAt', to: 'created', type: 'number', guess: true },
    { kind: 'added', name: 'nick', type: 'string', optional: true },
    { kind: 'added', name: 'tags', type: 'string[]', optional: false },
    { kind: 'changed', name: 'value', oldType: 'string', newType: 'number', widening: false },
    { kind: 'removed', name: 'legacy', type: 'boolean' },
  ]));
  const methods = Object.fromEntries(entry.methods.map((x) => [x.name, x.change]));
  assert.equal(methods['get'], 'changed');
  assert.equal(methods['touch'], undefined, 'touch did not change');
  assert.equal(entry.needsTransformer, true);
  // The Map of entries changes only through the instances the class transformer updates.
  const entries = m.bindings.find((b) => b.name === 'entries');
  assert.ok(entries?.kind === 'changed' && entries.viaClassesOnly);
  assert.deepEqual(p.transformers.map((t) => [t.section, t.module, t.name, t.line, t.provided]), [['classes', 'store.ts', 'Entry', 1, false]]);
});

test('a binding whose declaration line is unchanged changes type when an interface it holds changed', async () => {
  const p = await plan('hidden');
  const store = mod(p, 'store.ts');
  assert.equal(store.kind, 'unchanged', 'the compiled code is the same');
  const db = store.bindings.find((b) => b.name === 'db');
  assert.ok(db?.kind === 'changed');
  assert.equal(db.oldType, 'Map<string, Entry>');
  assert.equal(db.newType, 'Map<string, Entry>');
  assert.equal(db.viaClassesOnly, false);
  assert.deepEqual(p.transformers.map((t) => [t.section, t.module, t.name, t.line]), [['bindings', 'store.ts', 'db', 3]]);
});

test('a new and a deleted module', async () => {
  const p = await plan('modules');
  assert.equal(mod(p, 'added.ts').kind, 'added');
  assert.equal(mod(p, 'gone.ts').kind, 'removed');
  assert.equal(mod(p, 'main.ts').kind, 'unchanged');
  assert.deepEqual(mod(p, 'added.ts').bindings.map((b) => [b.name, b.kind]), [['fresh', 'new']]);
  assert.deepEqual(mod(p, 'gone.ts').bindings.map((b) => [b.name, b.kind]), [['seen', 'dropped']]);
});

// v2 imports a module v1 did not: the module changes live, so its one interval runs on (calling the new code through its slot): no risk.
test('a module that gains an import changes live: its top-level setInterval is not started again, and is no risk', async () => {
  const p = await plan('timer');
  const ticker = mod(p, 'ticker.ts');
  assert.equal(ticker.kind, 'live');
  assert.ok(ticker.kind === 'live' && ticker.plan.importsAdded.length === 1, JSON.stringify(ticker));
  assert.deepEqual(p.risks, []);
});

test('widening a binding type or adding an optional property needs no transformer; containers of changed types do', async () => {
  const p = await plan('stubs');
  const m = mod(p, 'store.ts');
  const limit = m.bindings.find((b) => b.name === 'limit');
  assert.ok(limit?.kind === 'changed' && limit.widening);
  // Profile gained `nick?: string`: every old record is a new one.
  const profiles = m.bindings.find((b) => b.name === 'profiles');
  assert.ok(profiles?.kind === 'changed' && profiles.widening, JSON.stringify(profiles));
  assert.deepEqual(p.transformers.map((t) => `${t.section}:${t.name}`).sort(), ['bindings:cache', 'bindings:history', 'classes:Session']);
});

test('diff --json prints the plan; the text form names what is missing', async () => {
  const json = await captured(() => diffCommand({ oldDir: join(CASES, 'hidden/v1'), newDir: join(CASES, 'hidden/v2'), json: true, stubs: false }));
  assert.equal(json.code, 0);
  const parsed = JSON.parse(json.out) as UpdatePlan;
  assert.equal(parsed.transformers[0]?.name, 'db');
  const text = await captured(() => diffCommand({ oldDir: join(CASES, 'classes/v1'), newDir: join(CASES, 'classes/v2'), json: false, stubs: false }));
  assert.match(text.out, /MISSING class store\.ts:1 Entry/);
  assert.match(text.out, /renamed to created \(a guess/);
});

test('stubs walk containers, fill the obvious, leave typed TODO leaves, and extend an existing file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'baton-stubs-'));
  try {
    await cp(join(CASES, 'stubs'), dir, { recursive: true });
    // A transformer the developer already wrote is kept; the rest is added beside it.
    await writeFile(
      join(dir, 'v2/baton.update.ts'),
      `import { defineUpdate } from 'baton';\nimport type * as Old from '../v1/store.js';\nimport type { Entry } from './store.js';\n\nexport default defineUpdate({\n  bindings: {\n    'store.ts': {\n      history: (old: Old.Entry[]): Entry[] => old.map((e) => ({ value: Number(e.value), at: e.at })),\n    },\n  },\n});\n`,
    );
    const ctx = await planWithTypes(join(dir, 'v1'), join(dir, 'v2'));
    const result = await writeStubs(ctx);
    assert.deepEqual(result.added.map((t) => t.name).sort(), ['Session', 'cache']);
    // Two forward leaves (Entry.value, Session.visits) and one reverse (Entry.value back to a string).
    assert.equal(result.todos, 3);
    assert.equal(result.reverse, 2);
    const text = await readFile(join(dir, 'v2/baton.update.ts'), 'utf8');
    assert.match(text, /history: \(old: Old\.Entry\[\]\): Entry\[\]/, 'the hand-written transformer is kept');
    assert.match(text, /cache: \(old: Map<string, Old_store\.Entry>\): Map<string, New_store\.Entry> =>\n\s*new Map\(Array\.from\(old, \(\[k0, v0\]\) => \[k0, convertEntry\(v0\)\] as const\)\)/);
    assert.match(text, /userName: old\.user, \/\/ renamed from user \(a guess\)/);
    assert.match(text, /reverse: \{\n\s*bindings: \{\n\s*'store\.ts': \{\n[^\n]*\n\s*cache: \(old: Map<string, New_store\.Entry>\): Map<string, Old_store\.Entry>/);
    assert.match(text, /function convertEntryValue2\(old: number\): string \{/);
    assert.match(text, /function convertEntryValue\(old: string\): number \{\n\s*throw new Error\('TODO: convert Entry\.value: string -> number'\);/);
    const again = await writeStubs(await planWithTypes(join(dir, 'v1'), join(dir, 'v2')));
    assert.equal(again.added.length, 0, 'a second run finds nothing missing');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('code and tables of functions whose types changed need no transformer (the new version\'s value is used)', async () => {
  const p = await plan('code');
  const kinds = mod(p, 'commands.ts').bindings.map((b) => [b.name, b.kind, b.kind === 'renewed' ? b.reason : undefined]);
  assert.deepEqual(kinds, [['table', 'renewed', 'holds a table of functions'], ['handlers', 'renewed', 'holds a table of functions']]);
  assert.deepEqual(p.transformers, []);
});

test('a missing version directory is a BatonError with E_BAD_DIR', async () => {
  await assert.rejects(planUpdate(join(CASES, 'nope/v1'), join(CASES, 'patch/v2')), { name: 'BatonError', code: 'E_BAD_DIR' });
});

async function captured(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  const write = process.stdout.write;
  let out = '';
  // Only strings: the test runner itself writes serialized buffers to stdout.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== 'string') return write.call(process.stdout, chunk, ...rest);
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await run(), out };
  } finally {
    process.stdout.write = write;
  }
}

test('module namespaces held in state compare by their exports, not by the version directory they live in', async () => {
  const p = await plan('namespaces');
  const all = mod(p, 'main.ts').bindings.find((b) => b.name === 'all');
  assert.equal(all?.kind, 'carried', JSON.stringify(all));
  assert.deepEqual(p.transformers, []);
});

test('diff and update agree on what changes live: a module the update file transforms changes live, a transformed class is declared again', async () => {
  const fix = fileURLToPath(new URL('../../test/fixtures/reload/', import.meta.url));
  const changes = await planDirectories(join(fix, 'v1'), join(fix, 'v2'));
  const byId = new Map(changes.map((c) => [c.id, c]));
  // The same mechanisms test/reload.test.ts sees `baton update` apply.
  assert.equal(byId.get('heart.ts')?.kind, 'live');
  assert.equal(byId.get('store.ts')?.kind, 'live', 'baton.update.ts of v2 transforms store.ts: on the live module');
  const accounts = byId.get('accounts.ts');
  assert.ok(accounts?.kind === 'live' && accounts.plan.newClasses.some((c) => c.name === 'Account'), JSON.stringify(accounts));
});

test('a stub write that fails leaves the hand-written baton.update.ts as it was, with E_WRITE', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'baton-stubs-'));
  try {
    await cp(join(CASES, 'stubs'), dir, { recursive: true });
    const file = join(dir, 'v2/baton.update.ts');
    const handWritten = `import { defineUpdate } from 'baton';\n\nexport default defineUpdate({\n  // the developer's notes\n});\n`;
    await writeFile(file, handWritten);
    // A directory where the temporary file goes: the write fails as a full disk would, after the text is ready.
    await mkdir(join(dir, 'v2/.baton.update.ts.tmp'));
    await assert.rejects(writeStubs(await planWithTypes(join(dir, 'v1'), join(dir, 'v2'))), (error: unknown) => {
      assert.ok(error instanceof BatonError, String(error));
      assert.equal(error.code, 'E_WRITE');
      assert.match(error.message, /could not write .*baton\.update\.ts .*left as it was/);
      return true;
    });
    assert.equal(await readFile(file, 'utf8'), handWritten);
    // With the obstacle gone the same run writes the stubs beside what was there.
    await rm(join(dir, 'v2/.baton.update.ts.tmp'), { recursive: true });
    const written = await writeStubs(await planWithTypes(join(dir, 'v1'), join(dir, 'v2')));
    assert.ok(written.added.length > 0);
    assert.match(await readFile(file, 'utf8'), /\/\/ the developer's notes/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a changed method signature, and a field holding instances of a class with its own transformer, need no transformer', async () => {
  const room = (conn: string, player: string) => ({
    'room.ts': [
      `export interface Conn { id: string; ${conn} }`,
      `export class Player { name = ''; ${player} }`,
      `export class Room {`,
      `  conn: Conn | undefined = undefined;`,
      `  players: Player[] = [];`,
      `}`,
      `export const rooms = new Map<string, Room>();`,
      ``,
    ].join('\n'),
  });
  const root = writeVersions({ v1: room('send(m: string): void;', ''), v2: room('send(m: string, urgent?: boolean): boolean;', 'score: number = 0;') });
  try {
    const p = await planUpdate(join(root, 'v1'), join(root, 'v2'));
    const classes = mod(p, 'room.ts').classes;
    // Player gained a required field: its instances need one. Room holds Players and a Conn whose method changed: nothing.
    assert.deepEqual(classes.filter((c) => c.needsTransformer).map((c) => c.name), ['Player']);
    const players = classes.find((c) => c.name === 'Room')?.fields.find((f) => f.kind === 'changed' && f.name === 'players');
    assert.ok(players?.kind === 'changed' && players.viaClasses, JSON.stringify(classes));
    assert.equal(classes.find((c) => c.name === 'Room')?.fields.some((f) => f.kind === 'changed' && f.name === 'conn'), false);
    assert.deepEqual(p.transformers.map((t) => `${t.section}:${t.name}`), ['classes:Player']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
