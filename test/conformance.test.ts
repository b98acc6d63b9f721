import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { differencesOf, formatDifferences, formatSummary, loadKnownDifferences, matchKnown, runCorpus, summarize } from './conformance/runner.js';
import { commitOfCorpus, listCorpus, subsetOf, SUBSET_STRIDE } from './conformance/selection.js';

// The conformance corpus (test/conformance/README.md): test262 language tests
// run as modules under plain node, under baton fresh, and under baton after
// every slot was replaced by a body recompiled from source. This file runs the
// fixed subset (every SUBSET_STRIDE-th test); `npm run conformance` runs all.
// The counts are asserted so that a broken selection cannot pass by running
// fewer tests.
const CORPUS_TESTS = 8536;
const SUBSET_TESTS = 1423;

describe('conformance corpus: test262 language tests, baton vs node', () => {
  const all = listCorpus();
  const subset = subsetOf(all);

  it('selects the fixed corpus and subset', () => {
    assert.equal(all.length, CORPUS_TESTS, `the vendored corpus (test262 ${commitOfCorpus()}) should hold ${CORPUS_TESTS} tests`);
    assert.equal(subset.length, SUBSET_TESTS, `every ${SUBSET_STRIDE}th test`);
  });

  it(`every test of the subset has node's outcome under baton, fresh and with every slot replaced`, { timeout: 15 * 60_000 }, async () => {
    const report = await runCorpus(subset, { workers: 2 });
    const summary = summarize(report);
    console.log(`test262 ${commitOfCorpus()}, subset (every ${SUBSET_STRIDE}th test)\n${formatSummary(report, summary)}`);

    assert.equal(report.records.length, SUBSET_TESTS);
    for (const r of report.records) assert.ok(r.results.node && r.results.fresh && r.results.replaced, `${r.path}: all three modes ran`);
    // The replaced mode reached every test and swapped every body of it.
    assert.equal(summary.swapped, summary.slots, 'every slot was replaced before the test ran');
    assert.ok(summary.slots > 10 * SUBSET_TESTS, `functions behind slots: ${summary.slots}`);
    // The host works: node itself meets test262's expectation almost everywhere.
    assert.ok(summary.nodePasses > 0.98 * SUBSET_TESTS, `node meets test262's expectation on ${summary.nodePasses} / ${SUBSET_TESTS}`);

    const known = loadKnownDifferences();
    const { expected, unexpected, stale } = matchKnown(differencesOf(report), known, new Set(subset));
    if (expected.length > 0) {
      console.log(`known differences (test/conformance/known-differences.json), ${expected.length}:`);
      for (const d of expected) console.log(`  ${d.path} [${d.mode}] node ${d.node}, baton ${d.baton}: ${known.find((k) => k.path === d.path)?.reason}`);
    }
    if (unexpected.length > 0) console.log(`differences from node, ${unexpected.length}:\n${formatDifferences(unexpected)}`);
    assert.deepEqual(
      unexpected.map((d) => `${d.path} [${d.mode}] node ${d.node}, baton ${d.baton}`),
      [],
      'baton (fresh, and with every slot replaced) has the outcome plain node has',
    );
    assert.deepEqual(
      stale.map((k) => `${k.path} [${k.mode}]`),
      [],
      'entries of known-differences.json that no longer differ: remove them',
    );
  });
});
