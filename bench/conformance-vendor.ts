// Vendors the conformance corpus: a fixed selection of tc39/test262's
// language tests (and the harness files they include) into
// test/conformance/.test262/, from a local clone of test262 (a git directory
// is enough: files are read with `git cat-file`, no work tree needed).
//
//   node dist/bench/conformance-vendor.js <test262 git dir> [commit]
//
// The selection (what is kept, and why the rest is left out) is the table
// below; it is what test/conformance/README.md describes. Re-running it on the
// same commit writes the same files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CORPUS_DIR, parseMeta, skipReason } from '../test/conformance/selection.js';

/** Directories of test/language taken whole (minus the exclusions below). */
const DIRS = [
  'expressions/arrow-function',
  'expressions/function',
  'expressions/async-function',
  'expressions/async-arrow-function',
  'expressions/generators',
  'expressions/async-generator',
  'expressions/class',
  'expressions/super',
  'expressions/new.target',
  'expressions/call',
  'expressions/object/method-definition',
  'statements/function',
  'statements/class',
  'statements/generators',
  'statements/async-function',
  'statements/async-generator',
  'statements/for',
  'statements/for-of',
  'statements/let',
  'statements/const',
  'arguments-object',
  'function-code',
  'rest-parameters',
  'block-scope',
  'computed-property-names',
];

/**
 * Left out to keep the vendored corpus under 15 MB; every one is a generated
 * copy of a template whose other instantiations are kept:
 * - expressions/class/dstr and expressions/class/elements: the same cases as
 *   statements/class/dstr and statements/class/elements, in a class
 *   expression instead of a declaration;
 * - statements/class/dstr/*-static-*: the same cases as the instance-method
 *   ones, on a static method;
 * - statements/class/dstr/{private-gen-meth,async-private-gen-meth}-*: the
 *   same cases on private (async) generator methods; the public generator,
 *   async generator and private method variants are kept.
 */
function excluded(path: string): string | undefined {
  if (path.startsWith('test/language/expressions/class/dstr/')) return 'class expression copy of statements/class/dstr';
  if (path.startsWith('test/language/expressions/class/elements/')) return 'class expression copy of statements/class/elements';
  if (path.startsWith('test/language/statements/class/dstr/') && /-static-/.test(path)) return 'static copy of an instance-method dstr case';
  if (/^test\/language\/statements\/class\/dstr\/(async-)?private-gen-meth-/.test(path)) return 'private generator copy of a dstr case';
  return undefined;
}

const gitArg = process.argv[2];
if (!gitArg) {
  console.error('usage: node dist/bench/conformance-vendor.js <test262 git dir> [commit]');
  process.exit(2);
}
const gitDir: string = gitArg;
const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { maxBuffer: 1 << 30 });
const commit = git('rev-parse', process.argv[3] ?? 'HEAD').toString().trim();

function readBlobs(paths: readonly string[]): Map<string, string> {
  const raw = execFileSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { input: paths.map((p) => `${commit}:${p}`).join('\n') + '\n', maxBuffer: 1 << 30 });
  const texts = new Map<string, string>();
  let at = 0;
  for (const path of paths) {
    const nl = raw.indexOf(10, at);
    const header = raw.subarray(at, nl).toString().split(' ');
    if (header[1] === 'missing') throw new Error(`missing in ${commit}: ${path}`);
    const size = Number(header[2]);
    texts.set(path, raw.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    at = nl + 1 + size + 1;
  }
  return texts;
}

const listing = git('ls-tree', '-r', '--name-only', commit, 'test/language').toString().split('\n').filter(Boolean);
const candidates = listing.filter((p) => p.endsWith('.js') && DIRS.some((d) => p.startsWith(`test/language/${d}/`)));
const texts = readBlobs(candidates);

const kept: string[] = [];
const fixtures = new Set<string>();
const skipped = new Map<string, number>();
const count = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
for (const path of candidates) {
  if (path.includes('_FIXTURE')) continue;
  const why = excluded(path) ?? skipReason(parseMeta(texts.get(path)!));
  if (why) {
    count(why);
    continue;
  }
  kept.push(path);
  const meta = parseMeta(texts.get(path)!);
  if (meta.flags.includes('module')) {
    // A module test may import any fixture next to it (or itself).
    const dir = dirname(path);
    for (const p of candidates) if (p.includes('_FIXTURE') && dirname(p) === dir) fixtures.add(p);
  }
}

const harnessNeeded = new Set(['assert.js', 'sta.js', 'doneprintHandle.js']);
for (const path of kept) for (const inc of parseMeta(texts.get(path)!).includes) harnessNeeded.add(inc);
const harness = readBlobs([...harnessNeeded].sort().map((h) => `harness/${h}`));
const license = readBlobs(['LICENSE']);

rmSync(CORPUS_DIR, { recursive: true, force: true });
const write = (path: string, text: string) => {
  const file = join(CORPUS_DIR, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};
let bytes = 0;
for (const [path, text] of [...kept.map((p) => [p, texts.get(p)!] as const), ...[...fixtures].map((p) => [p, texts.get(p)!] as const), ...harness, ...license]) {
  write(path, text);
  bytes += Buffer.byteLength(text);
}
write('COMMIT', `${commit}\n`);

console.log(`test262 ${commit}`);
console.log(`vendored ${kept.length} tests, ${fixtures.size} fixtures, ${harness.size} harness files, ${(bytes / 1e6).toFixed(1)} MB`);
console.log(`left out of ${candidates.length - [...candidates].filter((p) => p.includes('_FIXTURE')).length} candidate tests:`);
for (const [reason, n] of [...skipped].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${reason}`);
