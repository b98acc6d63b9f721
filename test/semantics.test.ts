import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { commitPatch, preparePatch } from '../src/program/update/patch.js';
import { ModuleGraph } from '../src/program/runner/module-graph.js';
import { baton, copyFixture } from './helpers/baton.js';

// One program of language checks (test/fixtures/semantics/checks.ts), run
// three ways: by plain node (esbuild strips the types, nothing else), by
// `baton run` (the slot form, fresh), and in-process through baton's module
// graph after every slot of every module was replaced by a recompiled copy
// of its body. All three must give the same answers.
const FIX = copyFixture('semantics');

type Report = Record<string, unknown>;

/** `baton run` prints its report as JSON: the other two go through JSON too (undefined becomes null alike). */
const viaJson = (r: Report): Report => JSON.parse(JSON.stringify(r)) as Report;

async function underNode(): Promise<{ report: Report; depth: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-semantics-node-'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  for (const file of readdirSync(FIX).filter((f) => f.endsWith('.ts'))) {
    const out = await esbuild.transform(readFileSync(join(FIX, file), 'utf8'), { loader: 'ts', format: 'esm', target: 'node20' });
    writeFileSync(join(dir, file.replace(/\.ts$/, '.js')), out.code);
  }
  const checks = (await import(pathToFileURL(join(dir, 'checks.js')).href)) as { report(): Promise<Report>; maxDepth(): number };
  return { report: viaJson(await checks.report()), depth: checks.maxDepth() };
}

async function underBatonReslotted(): Promise<{ report: Report; depth: number; swapped: number }> {
  const graph = new ModuleGraph(FIX);
  await graph.loadEntry(join(FIX, 'checks.ts'));
  let swapped = 0;
  for (const record of graph.records.values()) {
    const patch = preparePatch(record.id, record.current, record.current.compiled, true);
    swapped += patch.swaps.length;
    commitPatch(patch);
  }
  const ns = graph.records.get('checks.ts')!.namespace as unknown as { report(): Promise<Report>; maxDepth(): number };
  return { report: viaJson(await ns.report()), depth: ns.maxDepth(), swapped };
}

describe('the slot form keeps the language semantics', () => {
  it('plain node, baton fresh and baton with every slot recompiled give identical answers', async () => {
    const node = await underNode();
    const run = await baton(['run', join(FIX, 'main.ts')]);
    assert.equal(run.code, 0, run.stderr);
    const fresh = JSON.parse(run.stdout) as Report;
    const reslotted = await underBatonReslotted();
    assert.ok(reslotted.swapped > 40, `every body was recompiled (${reslotted.swapped} slots)`);
    assert.ok(Object.keys(node.report).length >= 40, 'the checks ran');
    for (const name of Object.keys(node.report)) {
      assert.deepEqual(fresh[name], node.report[name], `fresh: ${name}`);
      assert.deepEqual(reslotted.report[name], node.report[name], `every slot recompiled: ${name}`);
    }
    assert.deepEqual(Object.keys(fresh).sort(), Object.keys(node.report).sort());
    // Stub and body are two frames per call: plain recursion reaches about half as deep.
    const factor = reslotted.depth / node.depth;
    console.log(`recursion depth: node ${node.depth}, baton ${reslotted.depth} (factor ${factor.toFixed(2)})`);
    assert.ok(factor > 0.3, `recursion depth factor ${factor}`);
  });
});
