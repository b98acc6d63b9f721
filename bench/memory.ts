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
import { join } from 'node:path';
import { requestWithPrecompiled } from '../src/cli/precompile.js';
import { ControlClient } from '../src/cli/client.js';
import { socketPathFor } from '../src/protocol/socket-dir.js';
import type { UpdateOutcome } from '../src/protocol/outcome.js';
import { BIN, freePort, ROOT, startServer, stopServer } from './lib/process.js';
import { benchEnv, fmt, getJson, mdTable, QUICK, runProcess, stats, tempDir, writeResults, writeTree } from './lib/bench-util.js';

const NAME = 'memory';
const TOTAL = QUICK ? 200 : 1000;
const CHECKPOINTS = [10, 50, 100, 200, 500, 1000].filter((n) => n <= TOTAL);
const TARGET = 0.05;

/** The five versions, in the order the updates cycle through them (the fifth goes back to the first). */
function conf(version: 1 | 2 | 3 | 4 | 5): string {
  const limit = version === 1 ? 1 : 2;
  const params = version === 5 ? 'scale = 1' : '';
  const body = version === 1 || version === 2 ? 'LIMIT + scratch.length * 0' : version === 3 ? 'LIMIT + scratch.length * 0 + 0' : `LIMIT + scratch.length * 0 + extra() * 0${version === 5 ? ' * scale' : ''}`;
  const added = version >= 4 ? 'function extra(): number {\n  return LIMIT * 3 + added.n;\n}\nconst added = { n: 1 };\n' : '';
  const method = version >= 4 ? '  twice(n: number): boolean { return this.allows(n * 2); }\n' : '';
  return `export const LIMIT = ${limit};
const scratch = Array.from({ length: 2000 }, (_, i) => 'row-' + i);
export function limit(${params}): number {
  return ${body};
}
${added}export class Rule {
  constructor(readonly max: number) {}
  allows(n: number): boolean { return n <= this.max * LIMIT; }
${method}}
`;
}

/** What each step is expected to be, by the version it goes to. */
const EXPECTED: Record<number, string> = { 2: 'live', 3: 'patch', 4: 'live', 5: 'live', 1: 'live' };

const MAIN = `import { createServer } from 'node:http';
import { limit, Rule } from './conf.js';
const rules = [new Rule(1), new Rule(2)];
const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const gc = (globalThis as { gc?: () => void }).gc;
createServer((req, res) => {
  let body: unknown;
  if (req.url === '/mem') {
    for (let i = 0; i < 3; i++) gc?.();
    const m = process.memoryUsage();
    body = { heapUsed: m.heapUsed, external: m.external, rss: m.rss, gc: gc !== undefined };
  } else body = { limit: limit(), allowed: rules.map((r) => r.allows(3)) };
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}).listen(port, '127.0.0.1', () => console.log('listening ' + port));
`;

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
    'What each update leaves behind (issue 9, re-measured on the live model, where no update evaluates a module again): heap snapshots of this mix after 200 and 600 updates (taken by a scratch driver of the same versions, compared by node type and name) differ by +216 KB, all of it V8 code (optimized code, its deoptimization data and relocation info, feedback vectors, inline-cache handlers) and 41 KB of V8 weak lists; no module instance, source text, closure or program object among the new objects. With the JIT tiers off (MEM_NODE_FLAGS=\'--no-opt --no-sparkplug --no-maglev\', same driver) the heap read 9.34 MB after 100 updates and 9.50 MB after 1,000 (+0.18 KB per update; 200 to 1,000: +0.04 MB): what grows with the JIT on is baton\'s own update path being compiled, which settles. One bench run with the tiers off read 13.16 MB at its last checkpoint (9.27 MB at 500), which the driver did not reproduce; heap after gc also moves by several hundred KB between checkpoints as V8 flushes the bytecode of functions not run for a while. Re-measured on a quiet machine (load under 3, a later session): 9.6 MB after 10 updates and 15.6 MB after 1,000, about 6 KB per update through update 500, the same on the code of the session before (so not new); with a heap snapshot taken at update 200 (`--heapsnapshot-signal`, whose full collection also discards code and feedback) the same run read 11.4 MB after 1,000, and with the JIT tiers off 8.8 MB after 500 but 13.4 MB after 1,000. What grows was not identified in that session: these figures leave it open whether it is code that settles or a leak.',
    'Kept by design, and bounded: the rollback history (32 versions, each with its update file and file snapshot, MAX_ROLLBACK_DEPTH in src/program/update/transaction.ts), and the program\'s sources pruned to the versions still reachable (runtime.pruneSources). A discarded staging (an aborted update) leaves a no-op tombstone in each of its cells (one global property per function of its new modules), not its module graph.',
  ];
  writeResults(NAME, { title: `Memory: heap after ${TOTAL.toLocaleString('en-US')} updates of every kind`, command: `npx tsc -p tsconfig.json && node dist/bench/memory.js${QUICK ? ' --quick' : ''}`, table, verdict, notes }, { target: TARGET, totalUpdates: TOTAL, mechanisms: Object.fromEntries(mechanismsSeen), plainHeap, startHeap, samples, growth, bytesPerUpdate: perUpdate, growthFrom100: warmGrowth, bytesPerUpdateFrom100: warmPerUpdate, pauses });
  console.log(`\n${verdict}`);
}

await main();
