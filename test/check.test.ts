import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCommand, checkUpdate, type CheckProblem, type CheckResult } from '../src/cli/check.js';
import { planWithTypes } from '../src/typeplan/plan-update.js';
import { writeStubs } from '../src/typeplan/stubs.js';

const CASES = fileURLToPath(new URL('../../test/fixtures/diff/.cases/', import.meta.url));
let scratch: string;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'baton-check-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A private copy of a fixture pair, to write a transformer file into. */
async function copyCase(name: string, as: string): Promise<{ v1: string; v2: string; update: string }> {
  const dir = join(scratch, as);
  await cp(join(CASES, name), dir, { recursive: true });
  return { v1: join(dir, 'v1'), v2: join(dir, 'v2'), update: join(dir, 'v2', 'baton.update.ts') };
}

function problems(result: CheckResult): readonly CheckProblem[] {
  return result.kind === 'failed' ? result.problems : [];
}

/** `file:line` of a problem, with the file relative to the version directory. */
function at(p: CheckProblem, root: string): string {
  return `${p.file.slice(root.length + 1)}:${p.line}`;
}

test('generated stubs compile; with their leaf conversions written, the check passes', async () => {
  const { v1, v2, update } = await copyCase('stubs', 'stubs-filled');
  await writeStubs(await planWithTypes(v1, v2));
  const unfinished = await checkUpdate(v1, v2);
  // The stubs type-check: the only problems are the conversions left to write (two forward, one reverse).
  assert.deepEqual(problems(unfinished).map((p) => p.kind), ['todo', 'todo', 'todo']);
  const text = await readFile(update, 'utf8');
  const filled = text
    .replace(`throw new Error('TODO: convert Entry.value: string -> number');`, 'return Number(old);')
    .replace(`throw new Error('TODO: convert Session.visits (new field): Session -> number');`, 'return 0;')
    .replace(`throw new Error('TODO: convert Entry.value: number -> string');`, 'return String(old);');
  assert.notEqual(filled, text);
  await writeFile(update, filled);
  const result = await checkUpdate(v1, v2);
  assert.deepEqual(problems(result), []);
  assert.equal(result.kind, 'passed');
  // history, cache, Session forward; history, cache, Session back.
  assert.ok(result.kind === 'passed' && result.transformersChecked === 6, JSON.stringify(result.kind === 'passed' && result.transformersChecked));
});

test('a transformer whose output is not the new type fails, at its line', async () => {
  const { v1, v2, update } = await copyCase('hidden', 'bad-output');
  await writeFile(
    update,
    [
      `import { defineUpdate } from 'baton';`,
      `import type * as Old from '../v1/types.js';`,
      ``,
      `export default defineUpdate({`,
      `  bindings: {`,
      `    'store.ts': {`,
      `      db: (old: Map<string, Old.Entry>): Map<string, Old.Entry> => old,`,
      `    },`,
      `  },`,
      `});`,
      ``,
    ].join('\n'),
  );
  const found = problems(await checkUpdate(v1, v2));
  assert.deepEqual(found.map((p) => [p.kind, at(p, v2)]), [['output-mismatch', 'baton.update.ts:7']]);
  assert.match(found[0]!.message, /not assignable to the new type/);
});

test('a transformer that takes the wrong input type fails, at the parameter', async () => {
  const { v1, v2, update } = await copyCase('hidden', 'bad-input');
  await writeFile(
    update,
    `import { defineUpdate } from 'baton';\nimport type { Entry } from './types.js';\n\nexport default defineUpdate({\n  bindings: {\n    'store.ts': {\n      db: (old: Map<string, Entry>): Map<string, Entry> => old,\n    },\n  },\n});\n`,
  );
  const found = problems(await checkUpdate(v1, v2));
  assert.deepEqual(found.map((p) => [p.kind, at(p, v2)]), [['input-mismatch', 'baton.update.ts:7']]);
});

test('changed state with no transformer fails at its declaration; so does a transformer for unchanged state', async () => {
  const missing = problems(await checkUpdate(join(CASES, 'classes/v1'), join(CASES, 'classes/v2')));
  assert.deepEqual(missing.map((p) => [p.kind, at(p, join(CASES, 'classes/v2'))]), [['missing-transformer', 'store.ts:1']]);

  const { v1, v2, update } = await copyCase('reload', 'unneeded');
  await writeFile(update, `import { defineUpdate } from 'baton';\n\nexport default defineUpdate({\n  bindings: {\n    'util.ts': {\n      calls: (old: number): number => old,\n      nope: (old: number): number => old,\n    },\n  },\n});\n`);
  const extra = problems(await checkUpdate(v1, v2));
  assert.deepEqual(extra.map((p) => [p.kind, at(p, v2)]), [
    ['unneeded-transformer', 'baton.update.ts:6'],
    ['unknown-target', 'baton.update.ts:7'],
  ]);
});

test('ordinary type errors in the new version fail the check; checkCommand exits 1, then 0 once fixed', async () => {
  const { v1, v2 } = await copyCase('reload', 'type-error');
  const file = join(v2, 'util.ts');
  const good = await readFile(file, 'utf8');
  await writeFile(file, `${good}\nexport const broken: number = 'not a number';\n`);
  const found = problems(await checkUpdate(v1, v2));
  assert.deepEqual(found.map((p) => [p.kind, at(p, v2)]), [['type-error', 'util.ts:16']]);
  assert.equal(await quietly(() => checkCommand({ oldDir: v1, newDir: v2, json: false })), 1);
  await writeFile(file, good);
  assert.equal(await quietly(() => checkCommand({ oldDir: v1, newDir: v2, json: true })), 0);
});

async function quietly(run: () => Promise<number>): Promise<number> {
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    typeof chunk === 'string' ? true : write.call(process.stdout, chunk, ...rest)) as typeof process.stdout.write;
  try {
    return await run();
  } finally {
    process.stdout.write = write;
  }
}

test('a stub copying a field whose class has private members casts it; without a tsconfig, .ts specifiers check', async () => {
  const v = (count: string) => ({
    'token.ts': `export class Token {\n  private secret = 'x';\n  reveal(): string {\n    return this.secret;\n  }\n}\n`,
    // A `.ts` specifier, as Node's own type stripping requires: accepted with no tsconfig, as `baton run` runs it.
    'session.ts': `import { Token } from './token.ts';\n\nexport class Session {\n  token: Token = new Token();\n  count: ${count} = 0 as never;\n}\n`,
  });
  const root = await mkdtemp(join(scratch, 'nominal-'));
  for (const [version, files] of Object.entries({ v1: v('number'), v2: v('bigint') })) {
    await mkdir(join(root, version));
    for (const [path, text] of Object.entries(files)) await writeFile(join(root, version, path), text);
  }
  const [v1, v2] = [join(root, 'v1'), join(root, 'v2')];
  await writeStubs(await planWithTypes(v1, v2));
  const text = await readFile(join(v2, 'baton.update.ts'), 'utf8');
  // Token is the same shape in both versions, but a class with private members is nominal to the compiler.
  assert.match(text, /token: \(old\.token as unknown as New_token\.Token\),/);
  assert.deepEqual(problems(await checkUpdate(v1, v2)).map((p) => p.kind), ['todo', 'todo']);
  await writeFile(
    join(v2, 'baton.update.ts'),
    text.replace(/throw new Error\('TODO: convert Session\.count: number -> bigint'\);/, 'return BigInt(old);').replace(/throw new Error\('TODO: convert Session\.count: bigint -> number'\);/, 'return Number(old);'),
  );
  const result = await checkUpdate(v1, v2);
  assert.deepEqual(problems(result), []);
  assert.equal(result.kind, 'passed');
});
