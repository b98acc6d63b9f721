import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { baton, copyFixture, deriveVersion } from './helpers/baton.js';

// A project as users have them: its own TypeScript 5 (installed here from the
// registry, with express and socket.io), a tsconfig that extends a base one
// and uses include/exclude, rootDir/outDir, paths, downlevelIteration and
// moduleResolution node10. `baton check` must agree with the project's own
// `tsc -p` and block only on what the update introduces.
const run = promisify(execFile);
let root: string;

interface CheckJson {
  readonly kind: 'passed' | 'failed';
  readonly problems?: readonly { kind: string; file: string; line: number; message: string }[];
  readonly preExisting: readonly { file: string; line: number; message: string }[];
  readonly compiler: { version: string; source: string };
  readonly transformersChecked?: number;
  readonly transformers: readonly { name: string; reason: string; provided: boolean }[];
}

/** `baton check --json` (and the text form, when asked: each run is a few seconds on a loaded machine). */
async function check(from: string, to: string, withText = false): Promise<{ code: number | null; json: CheckJson; text: string }> {
  const r = await baton(['check', join(root, from), join(root, to), '--json']);
  assert.equal(r.stderr, '', r.stderr);
  const text = withText ? (await baton(['check', join(root, from), join(root, to)])).stdout : '';
  return { code: r.code, json: JSON.parse(r.stdout) as CheckJson, text };
}

/** The project's own compiler, on one version, as its developers run it. */
async function tsc(version: string): Promise<void> {
  await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, version)], { cwd: root });
}

/** A copy of v1 with some files edited (`edit` gets the v1 text). */
function variant(name: string, edits: Record<string, (text: string) => string>, from = 'v1'): string {
  const changes: Record<string, string> = {};
  for (const [path, edit] of Object.entries(edits)) {
    const before = readFileSync(join(root, from, path), 'utf8');
    const after = edit(before);
    assert.notEqual(after, before, `the edit of ${path} in ${name} changed nothing`);
    changes[path] = after;
  }
  return deriveVersion(root, from, name, changes);
}

function lineOf(file: string, needle: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.includes(needle));
  assert.ok(at >= 0, `${needle} not in ${file}`);
  return at + 1;
}

describe('a project with its own TypeScript 5 and tsconfig', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    root = copyFixture('tsproject');
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, timeout: 5 * 60_000 });
    await tsc('v1');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('passes a body-only change, with the project compiler, as tsc -p does', async () => {
    variant('body', { 'src/store.ts': (t) => t.replace('return this.#items.length;', 'return this.#items.length + 0;') });
    await tsc('body');
    const { code, json, text } = await check('v1', 'body', true);
    assert.equal(json.kind, 'passed', JSON.stringify(json.problems));
    assert.equal(code, 0);
    assert.match(json.compiler.version, /^5\./);
    assert.equal(json.compiler.source, 'project');
    // The excluded src/store.test.ts has a type error that neither tsc nor baton may see.
    assert.deepEqual(json.preExisting, []);
    assert.match(text, /baton check: passed .*TypeScript 5\./);
  });

  it('passes a structural change: a new module through a paths alias, a method, optional fields', async () => {
    variant('struct', {
      'src/common/types.ts': (t) => t.replace('  sent: number;\n', '  sent: number;\n  peak?: number;\n'),
      'src/store.ts': (t) =>
        t
          .replace("import type { Message, Stats } from '@app/types';", "import type { Message, Stats } from '@app/types';\nimport { shout } from '@app/format';")
          .replace('  lastRead = 0;\n', '  lastRead = 0;\n  muted?: boolean;\n\n  mute(): void {\n    this.muted = true;\n  }\n')
          .replace('  inboxOf(message.from).add(message);', '  inboxOf(message.from).add({ ...message, text: shout(message.text) });'),
    });
    writeFileSync(join(root, 'struct/src/common/format.ts'), 'export function shout(text: string): string {\n  return text.toUpperCase();\n}\n');
    await tsc('struct');
    const { code, json } = await check('v1', 'struct');
    assert.equal(json.kind, 'passed', JSON.stringify(json.problems));
    assert.equal(code, 0);
    // Inbox gained `muted?` and Stats `peak?`: every old value is a new one, no transformer.
    assert.deepEqual(json.transformers, []);
  });

  it('fails an update that introduces a type error, naming the file and line', async () => {
    const dir = variant('broken', { 'src/store.ts': (t) => `${t}\nexport const unread: number = 'none';\n` });
    const { code, json, text } = await check('v1', 'broken', true);
    assert.equal(json.kind, 'failed');
    assert.equal(code, 1);
    const line = lineOf(join(dir, 'src/store.ts'), 'export const unread');
    assert.deepEqual(json.problems?.map((p) => [p.kind, p.file, p.line]), [['type-error', join(dir, 'src/store.ts'), line]]);
    assert.match(json.problems![0]!.message, /^TS2322: /);
    assert.match(text, new RegExp(`src/store\\.ts:${line}: type-error: TS2322`));
  });

  it('a pre-existing error does not block; an introduced one does', async () => {
    const legacy = variant('legacy', { 'src/common/types.ts': (t) => `${t}\nexport const legacy: number = 'old';\n` });
    await assert.rejects(tsc('legacy'), 'the old version itself has the error');
    variant('legacy-body', { 'src/store.ts': (t) => t.replace('return this.#items.length;', 'return this.#items.length + 0;') }, 'legacy');
    const body = await check('legacy', 'legacy-body', true);
    assert.equal(body.json.kind, 'passed', JSON.stringify(body.json.problems));
    assert.deepEqual(body.json.preExisting.map((p) => [p.file, p.line]), [[join(root, 'legacy-body/src/common/types.ts'), lineOf(join(legacy, 'src/common/types.ts'), 'export const legacy')]]);
    assert.match(body.text, /1 pre-existing error .*not blocking/);
    const worse = variant('legacy-worse', { 'src/store.ts': (t) => t.replace('  stats.sent++;', "  stats.sent = 'many';") }, 'legacy');
    const failed = await check('legacy', 'legacy-worse');
    assert.equal(failed.json.kind, 'failed');
    assert.deepEqual(failed.json.problems?.map((p) => [p.kind, p.file, p.line]), [['type-error', join(worse, 'src/store.ts'), lineOf(join(worse, 'src/store.ts'), "stats.sent = 'many'")]]);
    assert.equal(failed.json.preExisting.length, 1);
  });

  it("a #private field's type change demands a transformer", async () => {
    variant('private', {
      'src/store.ts': (t) =>
        t
          .replace('#items: Message[] = [];', '#items = new Set<Message>();')
          .replace('this.#items.push(message);', 'this.#items.add(message);')
          .replace('return this.#items.length;', 'return this.#items.size;'),
    });
    await tsc('private');
    const { code, json } = await check('v1', 'private');
    assert.equal(code, 1);
    assert.deepEqual(json.problems?.map((p) => p.kind), ['missing-transformer']);
    assert.match(json.problems![0]!.message, /class Inbox needs a transformer \(field #items: Message\[\] -> Set<Message>\)/);
    // A transformer cannot reach a #private field: the stub compiles and says so in a TODO the check reports.
    const diff = await baton(['diff', join(root, 'v1'), join(root, 'private'), '--stubs']);
    assert.equal(diff.code, 0, diff.stderr);
    const stubbed = await check('v1', 'private');
    assert.deepEqual(stubbed.json.problems?.map((p) => p.kind), ['todo', 'todo'], JSON.stringify(stubbed.json.problems));
    assert.match(stubbed.json.problems![0]!.message, /#items: #private fields are out of reach of a transformer/);
  });

  it('stubs for express and socket.io types compile as written, and pass once their TODO leaves are filled', async () => {
    const dir = variant('sockets', {
      'src/server.ts': (t) =>
        t
          .replace('new Map<string, Socket>()', 'new Map<string, { socket: Socket; joined: number; handlers: RequestHandler[] }>()')
          .replace('clients.set(socket.id, socket);', 'clients.set(socket.id, { socket, joined: Date.now(), handlers: [log] });'),
    });
    await tsc('sockets');
    const diff = await baton(['diff', join(root, 'v1'), dir, '--stubs']);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /Wrote 1 transformer stub and 1 reverse stub/);
    const file = join(dir, 'baton.update.ts');
    const stub = readFileSync(file, 'utf8');
    assert.match(stub, /^import type \* as Ext_express from 'express';$/m);
    assert.match(stub, /^import type \* as Ext_socket_io from 'socket.io';$/m);
    assert.match(stub, /clients: \(old: Map<string, Ext_socket_io\.Socket>\): Map<string, \{ socket: Ext_socket_io\.Socket; joined: number; handlers: Ext_express\.RequestHandler\[\] \}>/);
    // As written: nothing but the two conversions to write (forward and reverse).
    const unfinished = await check('v1', 'sockets');
    assert.deepEqual(unfinished.json.problems?.map((p) => p.kind), ['todo', 'todo'], JSON.stringify(unfinished.json.problems));
    const filled = stub
      .replace(/throw new Error\('TODO: convert clients value: Socket<[^']*> -> \{[^']*'\);/, 'return { socket: old, joined: 0, handlers: [] };')
      .replace(/throw new Error\('TODO: convert clients value: \{[^']*\} -> Socket<[^']*'\);/, 'return old.socket;');
    assert.doesNotMatch(filled, /throw new Error\('TODO/);
    writeFileSync(file, filled);
    const done = await check('v1', 'sockets');
    assert.equal(done.json.kind, 'passed', JSON.stringify(done.json.problems));
    assert.equal(done.json.transformersChecked, 2);
  });

  it("stubs import a workspace sibling's types by its package name", async () => {
    const dir = variant('workspace', {
      'src/server.ts': (t) =>
        t
          .replace("import { send } from './store.js';", "import { send } from './store.js';\nimport type { Presence } from '@fixture/common';")
          .replace('new Map<string, Socket>()', 'new Map<string, { socket: Socket; presence: Presence }>()')
          .replace('clients.set(socket.id, socket);', 'clients.set(socket.id, { socket, presence: { online: true, since: Date.now() } });'),
    });
    await tsc('workspace');
    const diff = await baton(['diff', join(root, 'v1'), dir, '--stubs']);
    assert.equal(diff.code, 0, diff.stderr);
    const file = join(dir, 'baton.update.ts');
    const stub = readFileSync(file, 'utf8');
    assert.match(stub, /^import type \* as Ext__fixture_common from '@fixture\/common';$/m);
    assert.match(stub, /presence: Ext__fixture_common\.Presence/);
    writeFileSync(
      file,
      stub
        .replace(/throw new Error\('TODO: convert clients value: Socket<[^']*> -> \{[^']*'\);/, 'return { socket: old, presence: { online: true, since: 0 } };')
        .replace(/throw new Error\('TODO: convert clients value: \{[^']*\} -> Socket<[^']*'\);/, 'return old.socket;'),
    );
    const done = await check('v1', 'workspace');
    assert.equal(done.json.kind, 'passed', JSON.stringify(done.json.problems));
  });

  it('a transformer that mutates the old value, and an async transformer or hook, fail the check', async () => {
    const dir = variant('history', {
      'src/store.ts': (t) =>
        t
          .replace('export let history: Message[] = [];', 'export let history: { message: Message; seen: boolean }[] = [];')
          .replace('  history.push(message);', '  history.push({ message, seen: false });'),
    });
    await tsc('history');
    const file = join(dir, 'baton.update.ts');
    const write = (body: string[]) =>
      writeFileSync(file, [`import { defineUpdate } from 'baton';`, `import type * as Old from '../v1/src/common/types.js';`, ``, `export default defineUpdate({`, ...body, `});`, ``].join('\n'));
    const entry = (fn: string[]) => [`  bindings: {`, `    'src/store.ts': {`, ...fn.map((l) => `      ${l}`), `    },`, `  },`];
    write(entry([`history: (old: Old.Message[]) => old.map((message) => ({ message, seen: false })),`]));
    const good = await check('v1', 'history');
    assert.equal(good.json.kind, 'passed', JSON.stringify(good.json.problems));

    write(
      entry([
        `history: (old: Old.Message[]) => {`,
        `  old.sort((a, b) => a.at - b.at);`,
        `  for (const m of old) m.text = m.text.trim();`,
        `  return old.map((message) => ({ message, seen: false }));`,
        `},`,
      ]),
    );
    const mutating = await check('v1', 'history');
    assert.equal(mutating.code, 1);
    assert.deepEqual(mutating.json.problems?.map((p) => [p.kind, p.line]), [['mutates-input', lineOf(file, 'old.sort')], ['mutates-input', lineOf(file, 'm.text = ')]]);
    assert.match(mutating.json.problems![0]!.message, /transformer for src\/store\.ts history mutates its input \(`old\.sort/);

    write([...entry([`history: async (old: Old.Message[]) => old.map((message) => ({ message, seen: false })),`]), `  program: async () => {},`]);
    const async = await check('v1', 'history');
    assert.equal(async.code, 1);
    assert.deepEqual(async.json.problems?.map((p) => [p.kind, p.line]), [['async-transformer', lineOf(file, 'history: async')], ['async-transformer', lineOf(file, 'program: async')]]);
    assert.match(async.json.problems![0]!.message, /returns a promise: transformers and hooks run synchronously before the commit/);
  });
});
