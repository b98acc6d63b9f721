// Steady-state overhead of `baton run`: the same program under baton and under
// plain Node.js (the same source transpiled and bundled by esbuild), driven
// alternately by the same load generator in one run; throughput ratio
// baton/node per round, medians reported. Each workload is measured twice in
// the same pair of processes: fresh (before any update), and again after 100
// patches applied to the baton process, alternating between the program and a
// variant with other bodies for the functions on its hot path (so the
// program runs its original code again after the 100th; bench/lib/variants.ts).
//   kv:   kv v4, redis-benchmark GET and SET, 50 clients, not pipelined and -P 16;
//         patches v4 <-> v4f (dispatch() in commands.ts, run by every command)
//   http: http v1, autocannon, 10 keep-alive connections, a session cart mix;
//         patches v1 <-> v1f (handle() and send() in routes.ts, run by every request)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate, openControl } from './lib/control.js';
import { BIN, freePort, median, startServer, stopServer } from './lib/process.js';
import { fmt, int, loadNote, printTable, QUICK, rerunCommand, table, writeResults, type Target } from './lib/report.js';
import { bundleForNode, HTTP_PATCH, httpTrees, KV_ONE_FUNCTION, kvTrees } from './lib/variants.js';

const NAME = 'kv-overhead';
const ROUNDS = QUICK ? 3 : 5;
const SECONDS = QUICK ? 2 : 5;
const HTTP_SECONDS = QUICK ? 3 : 8;
const PATCHES = 100;
const TARGET = 0.99;
const env = { ...process.env, BATON_SOCKET_DIR: mkdtempSync(join(tmpdir(), 'baton-bench-')) };
const tmp = mkdtempSync(join(tmpdir(), 'baton-overhead-'));
const kvDirs = kvTrees(join(tmp, 'kv'));
const httpDirs = httpTrees(join(tmp, 'http'));
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}

type Runtime = 'baton' | 'node';

type Phase = 'fresh' | 'patched';
const PHASES: Phase[] = ['fresh', 'patched'];
const PHASE_LABEL: Record<Phase, string> = { fresh: 'fresh', patched: `after ${PATCHES} patches` };

/** `entry` (a server.ts) under `baton run` and, bundled by esbuild, under plain node. */
async function startPair(entry: string, ready: RegExp): Promise<Record<Runtime, { child: ChildProcess; port: number }>> {
  const out = await bundleForNode(entry, join(tmp, `${entry.replace(/\W+/g, '_')}.mjs`));
  const bp = await freePort();
  const baton = await startServer([BIN, 'run', '--name', `overhead-${process.pid}-${bp}`, entry, '--', '--port', String(bp)], ready, env);
  const np = await freePort();
  const node = await startServer([out, '--port', String(np)], ready, env);
  return { baton: { child: baton, port: bp }, node: { child: node, port: np } };
}

/** The patches between the two phases: `PATCHES` alternating updates of the baton process, each checked. */
async function patch(pid: number, dirs: [string, string], expect: string): Promise<{ pauseMs: number[]; commitMs: number[] }> {
  const control = await openControl(pid, env);
  try {
    const t0 = performance.now();
    const r = await alternate(control, dirs, PATCHES, expect);
    console.log(`  ${PATCHES} patches (${expect}) in ${fmt((performance.now() - t0) / 1000, 1)} s, pauseMs median ${fmt(median(r.pauseMs))}`);
    return r;
  } finally {
    control.close();
  }
}

function redisBenchmark(port: number, n: number, pipeline: number): Promise<{ SET: number; GET: number }> {
  return new Promise((resolve, reject) => {
    const args = ['-h', '127.0.0.1', '-p', String(port), '-c', '50', '-n', String(n), '-t', 'set,get', '-P', String(pipeline), '--csv'];
    const child = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const rps: Record<string, number> = {};
      for (const line of out.split('\n')) {
        const m = /^"(SET|GET)","([\d.]+)"/.exec(line.trim());
        if (m) rps[m[1]!] = Number(m[2]);
      }
      if (code !== 0 || rps['SET'] === undefined || rps['GET'] === undefined) reject(new Error(`redis-benchmark ${args.join(' ')} exited ${code}: ${err}${out}`));
      else resolve({ SET: rps['SET'], GET: rps['GET'] });
    });
  });
}

async function kv(): Promise<{ rows: string[][]; raw: Record<string, unknown>; ratios: Record<string, number> }> {
  const servers = await startPair(join(kvDirs.v4, 'server.ts'), /listening/);
  try {
    // Warm-up (JIT) and calibration: -n so that one test takes about SECONDS.
    const n: Record<number, number> = {};
    for (const p of [1, 16]) {
      let rps = Infinity;
      for (const rt of ['baton', 'node'] as const) {
        const r = await redisBenchmark(servers[rt].port, p === 1 ? 50_000 : 400_000, p);
        rps = Math.min(rps, r.GET, r.SET);
      }
      n[p] = Math.max(10_000, Math.round((rps * SECONDS) / 10_000) * 10_000);
    }
    console.log(`kv: -n ${n[1]} (not pipelined), -n ${n[16]} (-P 16), ${ROUNDS} rounds per phase, alternating order`);
    const runs: Array<{ phase: Phase; round: number; pipeline: number; runtime: Runtime; SET: number; GET: number }> = [];
    let patches: { pauseMs: number[]; commitMs: number[] } | undefined;
    for (const phase of PHASES) {
      if (phase === 'patched') {
        patches = await patch(servers.baton.child.pid!, [kvDirs.v4, kvDirs.v4f], KV_ONE_FUNCTION);
        // Warm-up again: the patched functions' callers re-optimize.
        for (const p of [1, 16]) for (const rt of ['baton', 'node'] as const) await redisBenchmark(servers[rt].port, Math.round(n[p]! / 5 / 10_000) * 10_000 || 10_000, p);
      }
      for (let round = 0; round < ROUNDS; round++) {
        const order: Runtime[] = round % 2 === 0 ? ['baton', 'node'] : ['node', 'baton'];
        for (const p of [1, 16]) {
          for (const rt of order) {
            const r = await redisBenchmark(servers[rt].port, n[p]!, p);
            runs.push({ phase, round, pipeline: p, runtime: rt, ...r });
            console.log(`  ${PHASE_LABEL[phase]} round ${round + 1} -P ${String(p).padEnd(2)} ${rt.padEnd(5)} SET ${int(r.SET)}/s GET ${int(r.GET)}/s`);
          }
        }
      }
    }
    const rows: string[][] = [];
    const ratios: Record<string, number> = {};
    for (const p of [1, 16]) {
      for (const test of ['GET', 'SET'] as const) {
        for (const phase of PHASES) {
          const of = (rt: Runtime) => runs.filter((r) => r.phase === phase && r.pipeline === p && r.runtime === rt).map((r) => r[test]);
          const perRound = [...Array(ROUNDS).keys()].map((round) => {
            const b = runs.find((r) => r.phase === phase && r.round === round && r.pipeline === p && r.runtime === 'baton')!;
            const nd = runs.find((r) => r.phase === phase && r.round === round && r.pipeline === p && r.runtime === 'node')!;
            return b[test] / nd[test];
          });
          const ratio = median(perRound);
          ratios[`kv ${test}${p === 1 ? '' : ` -P ${p}`}, ${PHASE_LABEL[phase]}`] = ratio;
          rows.push([`kv ${test}`, p === 1 ? 'no' : `-P ${p}`, PHASE_LABEL[phase], int(median(of('baton'))), int(median(of('node'))), fmt(ratio, 3), `${fmt(Math.min(...perRound), 3)}–${fmt(Math.max(...perRound), 3)}`]);
        }
      }
    }
    return { rows, raw: { requestsPerTest: n, runs, patches }, ratios };
  } finally {
    await stopServer(servers.baton.child);
    await stopServer(servers.node.child);
  }
}

async function json(port: number, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return res.json();
}

/** One autocannon run: per connection its own session; GET /products, GET cart, POST an item, DELETE it. */
async function cannon(port: number, seconds: number): Promise<AutocannonResult> {
  const connections = 10;
  const products = (await json(port, 'GET', '/products')) as Array<{ sku: string }>;
  const ids: string[] = [];
  for (let i = 0; i < connections; i++) ids.push(((await json(port, 'POST', '/sessions')) as { id: string }).id);
  let next = 0;
  let k = 0;
  const sku = () => products[k++ % products.length]!.sku;
  type Ctx = { sid?: string; sku?: string };
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [
      { method: 'GET', path: '/products' },
      {
        method: 'GET',
        setupRequest: (req: Record<string, unknown>, ctx: Ctx) => {
          ctx.sid ??= ids[next++ % ids.length]!;
          return { ...req, path: `/sessions/${ctx.sid}/cart` };
        },
      },
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>, ctx: Ctx) => {
          ctx.sku = sku();
          return { ...req, path: `/sessions/${ctx.sid}/cart`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku: ctx.sku, qty: 1 }) };
        },
      },
      { method: 'DELETE', setupRequest: (req: Record<string, unknown>, ctx: Ctx) => ({ ...req, path: `/sessions/${ctx.sid}/cart/${ctx.sku}` }) },
    ],
  });
}

async function http(): Promise<{ rows: string[][]; raw: Record<string, unknown>; ratios: Record<string, number>; errors: number }> {
  const servers = await startPair(join(httpDirs.v1, 'server.ts'), /listening/);
  try {
    for (const rt of ['baton', 'node'] as const) await cannon(servers[rt].port, 2); // warm-up
    console.log(`http: autocannon 10 connections, ${HTTP_SECONDS} s per run, ${ROUNDS} rounds per phase, alternating order`);
    const runs: Array<{ phase: Phase; round: number; runtime: Runtime; rps: number; total: number; p50: number; p99: number; non2xx: number; errors: number; timeouts: number }> = [];
    let patches: { pauseMs: number[]; commitMs: number[] } | undefined;
    for (const phase of PHASES) {
      if (phase === 'patched') {
        patches = await patch(servers.baton.child.pid!, [httpDirs.v1, httpDirs.v1f], HTTP_PATCH);
        for (const rt of ['baton', 'node'] as const) await cannon(servers[rt].port, 2); // warm-up again
      }
      for (let round = 0; round < ROUNDS; round++) {
        const order: Runtime[] = round % 2 === 0 ? ['baton', 'node'] : ['node', 'baton'];
        for (const rt of order) {
          const r = await cannon(servers[rt].port, HTTP_SECONDS);
          runs.push({ phase, round, runtime: rt, rps: r.requests.total / r.duration, total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts });
          console.log(`  ${PHASE_LABEL[phase]} round ${round + 1} ${rt.padEnd(5)} ${int(r.requests.total / r.duration)} req/s, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
        }
      }
    }
    const rows: string[][] = [];
    const ratios: Record<string, number> = {};
    for (const phase of PHASES) {
      const at = (round: number, rt: Runtime) => runs.find((r) => r.phase === phase && r.round === round && r.runtime === rt)!.rps;
      const perRound = [...Array(ROUNDS).keys()].map((round) => at(round, 'baton') / at(round, 'node'));
      const of = (rt: Runtime) => runs.filter((r) => r.phase === phase && r.runtime === rt).map((r) => r.rps);
      const ratio = median(perRound);
      ratios[`http, ${PHASE_LABEL[phase]}`] = ratio;
      rows.push(['http cart mix', 'keep-alive', PHASE_LABEL[phase], int(median(of('baton'))), int(median(of('node'))), fmt(ratio, 3), `${fmt(Math.min(...perRound), 3)}–${fmt(Math.max(...perRound), 3)}`]);
    }
    const errors = runs.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0);
    return { rows, raw: { seconds: HTTP_SECONDS, runs, patches }, ratios, errors };
  } finally {
    await stopServer(servers.baton.child);
    await stopServer(servers.node.child);
  }
}

const k = await kv();
const h = await http();
const header = ['workload', 'pipelining', 'baton process', 'baton req/s (median)', 'node req/s (median)', 'ratio baton/node (median of rounds)', 'ratio range'];
const rows = [...k.rows, ...h.rows];
console.log('\nsteady-state overhead');
printTable(header, rows);
const all = Object.entries({ ...k.ratios, ...h.ratios }).sort((a, b) => a[1] - b[1]);
const worst = all[0]!;
const below = all.filter(([, r]) => r < TARGET);
const met = below.length === 0;
const targets: Target[] = [{ target: `throughput ratio baton/node >= ${TARGET}: kv GET and SET (-P 1, -P 16) and http, fresh and after ${PATCHES} patches`, measured: `lowest median ratio ${fmt(worst[1], 3)} (${worst[0]}); ${below.length} of ${all.length} below ${TARGET}`, met }];
const kvPatches = k.raw['patches'] as { pauseMs: number[] };
const httpPatches = h.raw['patches'] as { pauseMs: number[] };
const md = `### Steady-state overhead: \`baton run\` against plain Node.js, fresh and after ${PATCHES} patches

\`\`\`sh
${rerunCommand(NAME)}
\`\`\`

Same source for both: temp copies of \`examples/kv/v4\` and \`examples/http/v1\` under \`baton run\`, and the same code bundled by esbuild
(\`npx esbuild <entry> --bundle --platform=node --format=esm\`) run by \`node\`. Both servers up at once and driven alternately
(order swapped each round), ${ROUNDS} rounds per phase; the ratio is taken per round and its median reported.
*fresh*: before any update. *after ${PATCHES} patches*: the same two processes after ${PATCHES} updates of the baton process
(the control-channel request \`baton update --no-check\` sends), alternating between the program and a variant with other bodies for the functions
on its hot path, so that after the last one it runs its original code again: kv v4 <-> v4f (\`dispatch()\` in commands.ts, run by every command;
patch pause median ${fmt(median(kvPatches.pauseMs))} ms), http v1 <-> v1f (\`handle()\` and \`send()\` in routes.ts, run by every request; median ${fmt(median(httpPatches.pauseMs))} ms);
a short warm-up of both servers follows the patches.
kv: \`redis-benchmark -c 50 -t set,get [-P 16] --csv\`, -n ${k.raw['requestsPerTest'] ? `${(k.raw['requestsPerTest'] as Record<number, number>)[1]} / ${(k.raw['requestsPerTest'] as Record<number, number>)[16]}` : '?'} (about ${SECONDS} s per test).
http: autocannon, 10 keep-alive connections, ${HTTP_SECONDS} s per run, each connection cycling GET /products, GET its session's cart, POST an item, DELETE it
(${h.errors} non-2xx/errors/timeouts in all http runs).
${loadNote()}

${table(header, rows)}

${met ? `Target met: every median ratio is at least ${TARGET} (lowest ${fmt(worst[1], 3)}, ${worst[0]}).` : `Target missed: ${below.length} of ${all.length} median ratios are below ${TARGET} (${below.map(([n, r]) => `${n}: ${fmt(r, 3)}`).join('; ')}); on this ${cpus().length}-CPU machine the load generator and the server share the cores (and other work ran alongside, see the load average), and the per-round range shows how far a gap stands out from run-to-run noise.`}
`;
writeResults(NAME, md, { rounds: ROUNDS, patches: PATCHES, kv: { ratios: k.ratios, ...k.raw }, http: { ratios: h.ratios, errors: h.errors, ...h.raw }, targets });
