// `npm run conformance`: the whole conformance corpus (test/conformance/),
// every test under plain node, under baton fresh, and under baton after every
// slot was replaced by a recompiled body; prints the counts and every test
// whose outcome under baton differs from node's. Exit 1 on a difference that
// test/conformance/known-differences.json does not list.
//   --subset         only the fixed subset `npm test` runs
//   --only <text>    only tests whose path contains <text>
//   --workers <n>    worker processes (default 2)
//   --json <file>    write every test's outcomes to <file>
import { writeFileSync } from 'node:fs';
import { differencesOf, formatDifferences, formatSummary, loadKnownDifferences, matchKnown, runCorpus, summarize } from '../test/conformance/runner.js';
import { commitOfCorpus, listCorpus, subsetOf } from '../test/conformance/selection.js';

const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
let paths = listCorpus();
if (process.argv.includes('--subset')) paths = subsetOf(paths);
const only = arg('--only');
if (only) paths = paths.filter((p) => p.includes(only));
const workers = Number(arg('--workers') ?? 2);

console.log(`test262 ${commitOfCorpus()}: ${paths.length} tests`);
let last = 0;
const report = await runCorpus(paths, {
  workers,
  onProgress: (done, total) => {
    if (process.stdout.isTTY && Date.now() - last > 500) {
      last = Date.now();
      process.stdout.write(`\r${done} / ${total} runs`);
    }
  },
});
if (process.stdout.isTTY) process.stdout.write('\r');
const summary = summarize(report);
console.log(formatSummary(report, summary));
const diffs = differencesOf(report);
const known = loadKnownDifferences();
const { expected, unexpected, stale } = matchKnown(diffs, known, new Set(paths));
if (expected.length > 0) {
  console.log(`\nknown differences (test/conformance/known-differences.json): ${expected.length}`);
  for (const d of expected) console.log(`  ${d.path} [${d.mode}] node ${d.node}, baton ${d.baton}: ${known.find((k) => k.path === d.path)?.reason}`);
}
if (unexpected.length > 0) console.log(`\ndifferences from node: ${unexpected.length}\n${formatDifferences(unexpected)}`);
if (stale.length > 0) console.log(`\nknown differences that no longer differ (remove them): ${stale.map((k) => `${k.path} [${k.mode}]`).join(', ')}`);
const jsonOut = arg('--json');
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ commit: commitOfCorpus(), summary, report }, null, 1));
process.exit(unexpected.length > 0 || stale.length > 0 ? 1 : 0);
