// Heap growth over many updates: a program under
// `node --expose-gc bin/baton.js run` is updated 1,000 times (quick: 200),
// cycling through five versions of one module so that every kind of update
// happens in both directions: a changed constant (live), a changed body
// (patch), added functions, a binding and a class method (live), a function
// gaining a parameter (live: declared again), and back to the start (live,
// removing what was added). Module code runs once: no update evaluates the
// module again. Heap used after a forced gc (the program's /mem
// endpoint calls global.gc() and returns process.memoryUsage().heapUsed) is
// read at checkpoints; the figure is after-N vs after-10. Updates go over the
// control channel directly (the same request `baton update --no-check` sends)
// so 1,000 of them fit in minutes. The same program under plain `node` (no
// updates possible) gives the heap a program of this size has on its own.
//
//   node dist/bench/memory.js [--quick]
//   MEM_NODE_FLAGS='--no-opt --no-sparkplug --no-maglev' node dist/bench/memory.js   (JIT tiers off)
// What the heap holds, and what holds it: bench/memory-probe.ts (same program and cycle) and bench/heap-diff.ts.
import { join } from 'node:path';
import { requestWithPrecompiled } from '../src/cli/precompile.js';
import { ControlClient } from '../src/cli/client.js';
import { socketPathFor } from '../src/protocol/socket-dir.js';
import type { UpdateOutcome } from '../src/protocol/outcome.js';
import { BIN, freePort, ROOT, startServer, stopServer } from './lib/process.js';
import { conf, EXPECTED, MAIN } from './lib/memory-program.js';
import { benchEnv, fmt, getJson, mdTable, QUICK, runProcess, stats, tempDir, writeResults, writeTree } from './lib/bench-util.js';

const NAME = 'memory';
const TOTAL = QUICK ? 200 : 1000;
const CHECKPOINTS = [10, 50, 100, 200, 500, 1000].filter((n) => n <= TOTAL);
const TARGET = 0.05;

async function heap(port: number): Promise<number> {
  const m = await getJson<{ heapUsed: number; gc: boolean }>(port, '/mem');
  if (!m.gc) throw new Error('global.gc is missing: the program must run with --expose-gc');
  return m.heapUsed;
}

async function main(): Promise<void> {
  const root = tempDir('memory');
  const versions = ([1, 2, 3, 4, 5] as const).map((v) => {
    const dir = join(root, `v${v}`);
    writeTree(dir, { 'conf.ts': conf(v), 'main.ts': MAIN });
    return dir;
  });
  const v1 = versions[0]!;
  const env = benchEnv('memory');
  const port = await freePort();
  console.log(`memory (${QUICK ? 'quick' : 'full'}): ${TOTAL} updates of conf.ts cycling v1..v5 (live, patch, live, live, live), heap after gc at ${CHECKPOINTS.join(', ')}`);

  // Plain node on the same code (esbuild bundle): the heap of the program itself.
  const bundle = join(root, 'bundle.mjs');
  const built = await runProcess('npx', ['esbuild', join(v1, 'main.ts'), '--bundle', '--platform=node', '--format=esm', `--outfile=${bundle}`, '--log-level=warning'], process.env, ROOT);
  if (built.code !== 0) throw new Error(`esbuild failed: ${built.stderr}`);
  const plain = await startServer(['--expose-gc', bundle, '--port', String(port)], /listening/, env);
  const plainHeap: number[] = [];
  try {
    for (let i = 0; i < 3; i++) plainHeap.push(await heap(port));
  } finally {
    await stopServer(plain);
  }

  // MEM_NODE_FLAGS (e.g. '--no-opt --no-sparkplug --no-maglev'): node flags for the baton process, to tell
  // JIT warm-up (optimized code and feedback of baton's own update path) from memory the updates keep.
  const flags = (process.env['MEM_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
  const server = await startServer(['--expose-gc', ...flags, BIN, 'run', join(v1, 'main.ts'), '--', '--port', String(port)], /listening/, env);
  const samples: Array<{ updates: number; heapUsed: number }> = [];
  const pauses: number[] = [];
  const mechanismsSeen = new Map<string, number>();
  let startHeap = NaN;
  try {
    startHeap = await heap(port);
    const saved = process.env['BATON_SOCKET_DIR'];
    process.env['BATON_SOCKET_DIR'] = env['BATON_SOCKET_DIR'];
    const socket = socketPathFor(server.pid!);
    if (saved === undefined) delete process.env['BATON_SOCKET_DIR'];
    else process.env['BATON_SOCKET_DIR'] = saved;
    const client = await ControlClient.open(socket);
    try {
      for (let n = 1; n <= TOTAL; n++) {
        const to = (n % 5) + 1;
        // Through the client code `baton update --no-check` runs (the changed module compiled here first).
        const { body } = await requestWithPrecompiled(client, { type: 'update', dir: versions[to - 1]!, dryRun: false, timeoutMs: 5000 });
        const outcome = (body as { outcome: UpdateOutcome }).outcome;
        if (outcome.status !== 'applied') throw new Error(`update ${n}: ${outcome.status} ${'reason' in outcome ? outcome.reason.message : ''}`);
        const mech = outcome.modules.map((m) => `${m.id}:${m.mechanism}`).join(',');
        if (mech !== `conf.ts:${EXPECTED[to]}`) throw new Error(`update ${n} (to v${to}): expected a ${EXPECTED[to]} update of conf.ts, got ${mech}`);
        mechanismsSeen.set(EXPECTED[to]!, (mechanismsSeen.get(EXPECTED[to]!) ?? 0) + 1);
        pauses.push(outcome.timing.pauseMs);
        if (CHECKPOINTS.includes(n)) {
          const limit = (await getJson<{ limit: number }>(port, '/')).limit;
          if (limit !== (to === 1 ? 1 : 2)) throw new Error(`after ${n} updates (at v${to}) LIMIT is ${limit}`);
          const h = await heap(port);
          samples.push({ updates: n, heapUsed: h });
          console.log(`  after ${String(n).padStart(4)} updates: heap used ${(h / 1e6).toFixed(2)} MB`);
        }
      }
    } finally {
      client.close();
    }
  } finally {
    await stopServer(server);
  }

  const at10 = samples.find((s) => s.updates === 10)!.heapUsed;
  const last = samples[samples.length - 1]!;
  const growth = (last.heapUsed - at10) / at10;
  const perUpdate = (last.heapUsed - at10) / (last.updates - 10);
  // After the first 100 updates every code path of baton's update machinery has run (and been compiled).
  const at100 = samples.find((s) => s.updates === 100);
  const warmGrowth = at100 && last.updates > 100 ? (last.heapUsed - at100.heapUsed) / at100.heapUsed : undefined;
  const warmPerUpdate = at100 && last.updates > 100 ? (last.heapUsed - at100.heapUsed) / (last.updates - 100) : undefined;
  const rows = [
    ['plain node, same program (esbuild bundle)', '-', fmt(stats(plainHeap).median / 1e6), '-'],
    ['baton run, before any update', '0', fmt(startHeap / 1e6), '-'],
    ...samples.map((s) => ['baton run', String(s.updates), fmt(s.heapUsed / 1e6), `${s.heapUsed >= at10 ? '+' : ''}${fmt(((s.heapUsed - at10) / at10) * 100, 1)} %`]),
  ];
  const table = mdTable(['process', 'updates', 'heap used after gc (MB)', 'vs after 10'], rows);
  const met = Math.abs(growth) <= TARGET;
  // Bytes per update between consecutive checkpoints: does the growth settle?
  const steps = samples
    .slice(1)
    .map((s, i) => `${samples[i]!.updates}-${s.updates}: ${fmt((s.heapUsed - samples[i]!.heapUsed) / (s.updates - samples[i]!.updates) / 1024, 2)} KB per update`)
    .join(', ');
  const warm = warmGrowth === undefined ? '' : `; from update 100 on, ${warmGrowth >= 0 ? '+' : ''}${fmt(warmGrowth * 100, 1)} % (${fmt(warmPerUpdate! / 1024, 2)} KB per update)`;
  const verdict = `Target (heap after ${TOTAL} updates within ${TARGET * 100}% of after 10) ${met ? 'met' : 'missed'}: ${fmt(at10 / 1e6)} MB -> ${fmt(last.heapUsed / 1e6)} MB (${growth >= 0 ? '+' : ''}${fmt(growth * 100, 1)} %, ${fmt(perUpdate / 1024, 2)} KB per update)${warm}. By interval: ${steps}.`;
  const mix = [...mechanismsSeen].map(([m, n]) => `${n} ${m}`).join(', ');
  const notes = [
    `Each update is the \`update\` request of the control protocol (what \`baton update --no-check\` sends). The updates cycle v1 -> v2 -> v3 -> v4 -> v5 -> v1 of conf.ts: a changed constant (live: recomputed on the running instance), a changed body (patch), a function, a binding and a class method added (live), a function gaining a parameter (live: declared again), and back to v1 (live, removing what was added). Mechanisms seen: ${mix}. Median update pause ${fmt(stats(pauses).median)} ms (p90 ${fmt(stats(pauses).p90)} ms). Heap is read after three global.gc() calls.`,
    'What grew, and why (issue 9; bench/memory-probe.ts runs this program and update cycle with heap snapshots and V8\'s code statistics, bench/heap-diff.ts compares the snapshots; load average 4-17 on the 2 shared cores): until commit b2631c5 a patched body\'s stack-trace mapping, which names the compiled module of its version (text and source map, about 10 KB), was released by a FinalizationRegistry callback, a task that runs only after the collection that found the body dead. A checkpoint\'s three gc() calls run back to back with no task in between, so the heap they read held every version whose bodies had died since V8 last collected on its own: 9.67 -> 15.62 MB after 1,000 updates (this bench, before the change), and in a probe run 15.80 MB at update 1,000 but 11.16 MB for the same process a moment later, once its loop had turned between collections; a heap snapshot taken at that point before any gc() showed 2.2 MB retained by that map (304 entries naming 205 compiled modules). How much depended on when V8 had last collected (a probe reading every 100 updates kept it at 12.0 MB after 1,000), which is why earlier runs disagreed (JIT tiers off: 9.3 and 13.2 MB at the same checkpoint; a heap snapshot at update 200, whose memory-reducing collection moves the next ones, 11.4 MB). The mapping is now a WeakMap value keyed by the body and goes in the same collection (test/stack-trace-memory.test.ts counts the compiled modules left after their bodies are collected: 50 of 50 before, 0 now), and script names whose holder is gone are dropped without a FinalizationRegistry; the heap read after three gc() calls and the heap read after gc() with the loop turning in between now agree within 0.02 MB from update 10 on (probe, commit 6531cf1).',
    'What still grows is V8\'s compiled code: heap snapshots after 10 and 1,000 updates (each after gc() with the loop turning) differ by +1.30 MB, of which 1.19 MB is code and what only code uses (optimized code, its deoptimization data and relocation info, feedback vectors, dependent-code weak lists: 98 more functions optimized, baton\'s update path such as prepareAll, planLive and commitLive, and Node\'s http and stream internals) and 0.12 MB everything else (the update history filling to its cap of 200 entries, hash tables grown); no module instance, source text or closure. Neither do V8\'s Script objects (the eval\'d bodies\' scripts included: 305 scripts, 9 of them eval\'d, after 10, 1,000 and 3,000 updates) nor the global property cells (19 slots at each). It settles: from 1,000 to 3,000 updates (probe, commit b2631c5) the heap read 11.28 then 11.35 MB, 28 more functions optimized (Node internals serving the probe\'s requests) while V8 flushed the bytecode of functions not run for a while. With the JIT tiers off (MEM_NODE_FLAGS=\'--no-opt --no-sparkplug --no-maglev\') snapshots after 10 and 1,000 updates differ by +0.24 MB (+2.7 %, 0.10 MB of it interpreter feedback), and this bench read 8.58 -> 9.20 MB (+7.2 %; the probe, +3.4 and +4.9 % in two runs: bytecode flushing moves a single reading by 0.1-0.2 MB). So the target is missed with the JIT by the optimized code of baton\'s update path, which the heap after 10 updates does not hold yet.',
    'Kept by design, and bounded: the rollback history (32 versions, each with its update file and file snapshot, MAX_ROLLBACK_DEPTH in src/program/update/transaction.ts), the program\'s sources pruned to the versions still reachable (runtime.pruneSources), and the update history `baton status` shows (200 entries, MAX_HISTORY in src/program/update/runtime.ts). A discarded staging (an aborted update) leaves a no-op tombstone in each of its cells (one global property per function of its new modules), not its module graph.',
  ];
  writeResults(NAME, { title: `Memory: heap after ${TOTAL.toLocaleString('en-US')} updates of every kind`, command: `npx tsc -p tsconfig.json && node dist/bench/memory.js${QUICK ? ' --quick' : ''}`, table, verdict, notes }, { target: TARGET, totalUpdates: TOTAL, mechanisms: Object.fromEntries(mechanismsSeen), plainHeap, startHeap, samples, growth, bytesPerUpdate: perUpdate, growthFrom100: warmGrowth, bytesPerUpdateFrom100: warmPerUpdate, pauses });
  console.log(`\n${verdict}`);
}

await main();
