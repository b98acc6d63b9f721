// Steady-state overhead of `baton run`: the same program under baton and under
// plain Node.js (the same source transpiled and bundled by esbuild), driven
// alternately by the same load generator in one run; throughput ratio
// baton/node per round, medians reported.
//   kv:   redis-benchmark GET and SET, 50 clients, not pipelined and -P 16
//   http: autocannon, 10 keep-alive connections, a session cart mix
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BIN, freePort, median, ROOT, startServer, stopServer } from './lib/process.js';
import { fmt, int, loadNote, printTable, QUICK, rerunCommand, table, writeResults, type Target } from './lib/report.js';

const NAME = 'kv-overhead';
const ROUNDS = QUICK ? 3 : 5;
const SECONDS = QUICK ? 2 : 5;
const HTTP_SECONDS = QUICK ? 3 : 8;
const env = { ...process.env, BATON_SOCKET_DIR: mkdtempSync(join(tmpdir(), 'baton-bench-')) };
const tmp = mkdtempSync(join(tmpdir(), 'baton-overhead-'));
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

async function bundle(entry: string, out: string): Promise<void> {
  await build({ entryPoints: [join(ROOT, entry)], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'error', alias: { baton: join(ROOT, 'src/index.ts') } });
}

async function startPair(entry: string, ready: RegExp): Promise<Record<Runtime, { child: ChildProcess; port: number }>> {
  const out = join(tmp, `${entry.replace(/\W+/g, '_')}.mjs`);
  await bundle(entry, out);
  const bp = await freePort();
  const baton = await startServer([BIN, 'run', '--name', `overhead-${process.pid}-${bp}`, join(ROOT, entry), '--', '--port', String(bp)], ready, env);
  const np = await freePort();
  const node = await startServer([out, '--port', String(np)], ready, env);
  return { baton: { child: baton, port: bp }, node: { child: node, port: np } };
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
  const servers = await startPair('examples/kv/v1/server.ts', /listening/);
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
    console.log(`kv: -n ${n[1]} (not pipelined), -n ${n[16]} (-P 16), ${ROUNDS} rounds, alternating order`);
    const runs: Array<{ round: number; pipeline: number; runtime: Runtime; SET: number; GET: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order: Runtime[] = round % 2 === 0 ? ['baton', 'node'] : ['node', 'baton'];
      for (const p of [1, 16]) {
        for (const rt of order) {
          const r = await redisBenchmark(servers[rt].port, n[p]!, p);
          runs.push({ round, pipeline: p, runtime: rt, ...r });
          console.log(`  round ${round + 1} -P ${String(p).padEnd(2)} ${rt.padEnd(5)} SET ${int(r.SET)}/s GET ${int(r.GET)}/s`);
        }
      }
    }
    const rows: string[][] = [];
    const ratios: Record<string, number> = {};
    for (const p of [1, 16]) {
      for (const test of ['GET', 'SET'] as const) {
        const of = (rt: Runtime) => runs.filter((r) => r.pipeline === p && r.runtime === rt).map((r) => r[test]);
        const perRound = [...Array(ROUNDS).keys()].map((round) => {
          const b = runs.find((r) => r.round === round && r.pipeline === p && r.runtime === 'baton')!;
          const nd = runs.find((r) => r.round === round && r.pipeline === p && r.runtime === 'node')!;
          return b[test] / nd[test];
        });
        const ratio = median(perRound);
        ratios[`kv ${test}${p === 1 ? '' : ` -P ${p}`}`] = ratio;
        rows.push([`kv ${test}`, p === 1 ? 'no' : `-P ${p}`, int(median(of('baton'))), int(median(of('node'))), fmt(ratio, 3), `${fmt(Math.min(...perRound), 3)}–${fmt(Math.max(...perRound), 3)}`]);
      }
    }
    return { rows, raw: { requestsPerTest: n, runs }, ratios };
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

async function http(): Promise<{ rows: string[][]; raw: Record<string, unknown>; ratio: number; errors: number }> {
  const servers = await startPair('examples/http/v1/server.ts', /listening/);
  try {
    for (const rt of ['baton', 'node'] as const) await cannon(servers[rt].port, 2); // warm-up
    console.log(`http: autocannon 10 connections, ${HTTP_SECONDS} s per run, ${ROUNDS} rounds, alternating order`);
    const runs: Array<{ round: number; runtime: Runtime; rps: number; total: number; p50: number; p99: number; non2xx: number; errors: number; timeouts: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order: Runtime[] = round % 2 === 0 ? ['baton', 'node'] : ['node', 'baton'];
      for (const rt of order) {
        const r = await cannon(servers[rt].port, HTTP_SECONDS);
        runs.push({ round, runtime: rt, rps: r.requests.total / r.duration, total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts });
        console.log(`  round ${round + 1} ${rt.padEnd(5)} ${int(r.requests.total / r.duration)} req/s, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
      }
    }
    const perRound = [...Array(ROUNDS).keys()].map((round) => runs.find((r) => r.round === round && r.runtime === 'baton')!.rps / runs.find((r) => r.round === round && r.runtime === 'node')!.rps);
    const of = (rt: Runtime) => runs.filter((r) => r.runtime === rt).map((r) => r.rps);
    const ratio = median(perRound);
    const errors = runs.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0);
    return { rows: [['http cart mix', 'keep-alive', int(median(of('baton'))), int(median(of('node'))), fmt(ratio, 3), `${fmt(Math.min(...perRound), 3)}–${fmt(Math.max(...perRound), 3)}`]], raw: { seconds: HTTP_SECONDS, runs }, ratio, errors };
  } finally {
    await stopServer(servers.baton.child);
    await stopServer(servers.node.child);
  }
}

const k = await kv();
const h = await http();
const header = ['workload', 'pipelining', 'baton req/s (median)', 'node req/s (median)', 'ratio baton/node (median of rounds)', 'ratio range'];
const rows = [...k.rows, ...h.rows];
console.log('\nsteady-state overhead');
printTable(header, rows);
const worstKey = Object.entries({ ...k.ratios, http: h.ratio }).sort((a, b) => a[1] - b[1])[0]!;
const met = worstKey[1] >= 0.99;
const targets: Target[] = [{ target: 'steady-state throughput ratio baton/node >= 0.99 (kv and http)', measured: `lowest median ratio ${fmt(worstKey[1], 3)} (${worstKey[0]})`, met }];
const md = `### Steady-state overhead: \`baton run\` against plain Node.js

\`\`\`sh
${rerunCommand(NAME)}
\`\`\`

Same source for both: \`examples/kv/v1\` and \`examples/http/v1\` under \`baton run\`, and the same code bundled by esbuild
(\`npx esbuild <entry> --bundle --platform=node --format=esm\`) run by \`node\`. Both servers up at once and driven alternately
(order swapped each round), ${ROUNDS} rounds; the ratio is taken per round and its median reported.
kv: \`redis-benchmark -c 50 -t set,get [-P 16] --csv\`, -n ${k.raw['requestsPerTest'] ? `${(k.raw['requestsPerTest'] as Record<number, number>)[1]} / ${(k.raw['requestsPerTest'] as Record<number, number>)[16]}` : '?'} (about ${SECONDS} s per test).
http: autocannon, 10 keep-alive connections, ${HTTP_SECONDS} s per run, each connection cycling GET /products, GET its session's cart, POST an item, DELETE it
(${h.errors} non-2xx/errors/timeouts in all http runs).
${loadNote()}

${table(header, rows)}

${met ? `Target met: every median ratio is at least 0.99 (lowest ${fmt(worstKey[1], 3)}, ${worstKey[0]}).` : `Target missed: the lowest median ratio is ${fmt(worstKey[1], 3)} (${worstKey[0]}); on this ${cpus().length}-CPU machine the load generator and the server share the cores, and the per-round range shows how far the gap stands out from run-to-run noise.`}
`;
writeResults(NAME, md, { rounds: ROUNDS, kv: { ratios: k.ratios, ...k.raw }, http: { ratio: h.ratio, errors: h.errors, ...h.raw }, targets });
