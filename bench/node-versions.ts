// Runs the test suite on each supported Node.js major, with Node binaries
// installed from npm (the `node-<platform>-<arch>` packages the `node`
// package itself installs), so no version manager is needed.
//
//   npm run test:node-versions                       # Node 20, 22 and 24, the whole suite
//   npm run test:node-versions -- 22 24.15.0         # chosen versions (a major or an exact version)
//   npm run test:node-versions -- --files run,check  # only dist/test/run.test.js and check.test.js
//
// Binaries are cached in $BATON_NODE_CACHE, by default .cache/node in the
// repository rather than under $HOME: errors.test.ts runs baton as another
// user (uid 65534) with the same `process.execPath`, and a binary under a
// private home such as /root cannot be spawned by that user (EACCES: two
// tests failed on Node 22 for that alone). The suite is compiled once, by
// the Node running this script (`npm run` builds it first): the output is
// plain ES2022, the same for every version. Prints one line per version and
// exits non-zero if any version fails.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { installNode, NODE_CACHE as CACHE } from './lib/node-binary.js';

/** The majors the README promises; package.json "engines" says >=20. */
const SUPPORTED = ['20', '22', '24'];
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TESTS = join(ROOT, 'dist', 'test');

interface Outcome {
  readonly requested: string;
  readonly version: string;
  readonly status: 'pass' | 'fail' | 'not installed';
  readonly summary: string;
  readonly seconds: number;
}

const { values, positionals } = parseArgs({
  options: { files: { type: 'string' }, concurrency: { type: 'string', default: '2' } },
  allowPositionals: true,
});
const versions = positionals.length ? positionals : SUPPORTED;
const files = testFiles(values.files);

const outcomes: Outcome[] = [];
for (const requested of versions) {
  const started = Date.now();
  const node = installNode(requested);
  if (typeof node !== 'string') {
    outcomes.push({ requested, version: '-', status: 'not installed', summary: node.error, seconds: 0 });
    continue;
  }
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n=== Node ${version} (${node}): ${files.length} test file(s)`);
  const { code, summary } = await runSuite(node, version, files, values.concurrency);
  outcomes.push({ requested, version, status: code === 0 ? 'pass' : 'fail', summary, seconds: (Date.now() - started) / 1000 });
}

console.log('\nnode       result         tests');
for (const o of outcomes) {
  console.log(`${o.version.padEnd(10)} ${o.status.padEnd(14)} ${o.summary} (${o.seconds.toFixed(0)} s)`);
}
process.exitCode = outcomes.every((o) => o.status === 'pass') ? 0 : 1;

/** dist/test/*.test.js, or the ones `--files run,check` names: the same list on every version. */
function testFiles(only: string | undefined): string[] {
  const all = readdirSync(TESTS).filter((f) => f.endsWith('.test.js')).sort();
  if (only === undefined) return all.map((f) => join(TESTS, f));
  const wanted = only.split(',').map((name) => `${name.trim().replace(/\.test\.js$/, '')}.test.js`);
  const missing = wanted.filter((f) => !all.includes(f));
  if (missing.length) {
    console.error(`no such test file in dist/test: ${missing.join(', ')} (have: ${all.join(', ')})`);
    process.exit(64);
  }
  return wanted.map((f) => join(TESTS, f));
}

/**
 * Runs the files under `node --test` with that binary: the spec reporter to
 * the terminal, TAP into a file kept beside the cache (its `# pass` lines read
 * the same on every version). Returns the exit code and the counts.
 */
function runSuite(node: string, version: string, tests: readonly string[], concurrency: string): Promise<{ code: number | null; summary: string }> {
  const tap = join(CACHE, 'results', `${version}.tap`);
  mkdirSync(join(CACHE, 'results'), { recursive: true });
  return new Promise((resolve) => {
    // The binary's own directory first on PATH: tests that spawn `node` or
    // `process.execPath` get the version under test, never the system one.
    const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ''}` };
    const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`];
    const child = spawn(node, ['--test', `--test-concurrency=${concurrency}`, ...reporters, ...tests], { cwd: ROOT, env, stdio: 'inherit' });
    child.on('close', (code) => {
      const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
      const count = (name: string) => text.match(new RegExp(`^# ${name} (\\d+)`, 'm'))?.[1] ?? '?';
      resolve({ code, summary: `${count('pass')} passed, ${count('fail')} failed, ${count('cancelled')} cancelled, ${count('skipped')} skipped; TAP in ${tap}` });
    });
  });
}
