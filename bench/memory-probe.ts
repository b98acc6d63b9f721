// Looks inside bench/memory.ts's program while it is updated: the same five versions of conf.ts, the same
// cycle of updates over the control channel, with the program's main.ts given three more endpoints:
// /stats (after three gc() calls: heap used, V8's code statistics and heap spaces), /snap (a heap snapshot
// written to a file after gc() with the loop turning, with heap used before and after it: a snapshot's own full collection also clears
// V8's compilation cache and runs the weak callbacks again, which gc() does not), and /sample (V8's
// sampling heap profiler, started at one checkpoint and read at the next: where the objects still alive
// were allocated, by JavaScript stack). Figures go to stdout as JSON lines; snapshots to --out.
//
//   node dist/bench/memory-probe.js [--total 900] [--every 100] [--snap 300,900] [--sample 300,900] [--raw-snap 1000] [--out DIR]
//   MEM_NODE_FLAGS='...' node dist/bench/memory-probe.js ...           (node flags for the program)
// Compare two snapshots with bench/heap-diff.ts.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ControlClient } from '../src/cli/client.js';
import { socketPathFor } from '../src/protocol/socket-dir.js';
import type { UpdateOutcome } from '../src/protocol/outcome.js';
import { BIN, freePort, startServer, stopServer } from './lib/process.js';
import { benchEnv, getJson, tempDir, writeTree } from './lib/bench-util.js';
import { conf, EXPECTED, MAIN } from './lib/memory-program.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const list = (s: string) => s.split(',').filter(Boolean).map(Number);
const TOTAL = Number(arg('total', '900'));
const EVERY = Number(arg('every', '100'));
const SNAP = list(arg('snap', ''));
const RAW = list(arg('raw-snap', ''));
const SAMPLE = list(arg('sample', ''));
const OUT = arg('out', tempDir('memory-probe'));

const PROBE = `import v8 from 'node:v8';
import { Session } from 'node:inspector';
let session: Session | undefined;
function post(method: string, params: object = {}): Promise<any> {
  return new Promise((resolve, reject) => session!.post(method, params, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));
}
export async function probe(url: string, gc: () => void): Promise<unknown> {
  const u = new URL(url, 'http://x');
  const collect = () => { for (let i = 0; i < 3; i++) gc(); return process.memoryUsage().heapUsed; };
  // gc() with the event loop turning in between: FinalizationRegistry callbacks (a task V8 posts after a
  // collection) run, and what their held values or the maps they clean kept goes at the next collection.
  const settle = async () => {
    for (let i = 0; i < 4; i++) { gc(); await new Promise((r) => setTimeout(r, 5)); }
    gc();
    return process.memoryUsage().heapUsed;
  };
  if (u.pathname === '/stats') {
    const heapUsed = collect();
    const code = v8.getHeapCodeStatistics();
    const spaces = v8.getHeapSpaceStatistics();
    return { heapUsed, settled: await settle(), code, spaces: spaces.map((s) => ({ name: s.space_name, used: s.space_used_size })) };
  }
  if (u.pathname === '/snap') {
    // raw: no gc() first, so the snapshot (whose own collections run no task in between) shows what pending
    // finalizations still hold.
    const before = u.searchParams.has('raw') ? process.memoryUsage().heapUsed : await settle();
    const file = v8.writeHeapSnapshot(u.searchParams.get('file')!);
    return { before, after: await settle(), file };
  }
  if (u.pathname === '/sample/start') {
    session = new Session();
    session.connect();
    collect();
    await post('HeapProfiler.startSampling', { samplingInterval: Number(u.searchParams.get('interval') ?? 512) });
    return { started: true };
  }
  if (u.pathname === '/sample/stop') {
    collect();
    const { profile } = await post('HeapProfiler.getSamplingProfile');
    await post('HeapProfiler.stopSampling');
    session!.disconnect();
    return { profile };
  }
  return undefined;
}
`;

const PROBE_MAIN = MAIN.replace(`import { limit, Rule } from './conf.js';`, `import { limit, Rule } from './conf.js';\nimport { probe } from './probe.js';`).replace(
  `  let body: unknown;\n  if (req.url === '/mem') {`,
  `  let body: unknown;\n  if (req.url !== '/mem' && req.url !== '/') {\n    probe(req.url!, gc!).then((b) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(b)); });\n    return;\n  }\n  if (req.url === '/mem') {`,
);
if (PROBE_MAIN === MAIN) throw new Error('main.ts: the probe endpoints were not inserted');

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const root = tempDir('memory-probe-src');
  const versions = ([1, 2, 3, 4, 5] as const).map((v) => {
    const dir = join(root, `v${v}`);
    writeTree(dir, { 'conf.ts': conf(v), 'main.ts': PROBE_MAIN, 'probe.ts': PROBE });
    return dir;
  });
  const env = benchEnv('memory');
  const port = await freePort();
  const flags = (process.env['MEM_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
  const server = await startServer(['--expose-gc', ...flags, BIN, 'run', join(versions[0]!, 'main.ts'), '--', '--port', String(port)], /listening/, env);
  const log = (o: object) => console.log(JSON.stringify(o));
  const stats = async (n: number) => {
    const s = await getJson<{ heapUsed: number; settled: number; code: Record<string, number>; spaces: Array<{ name: string; used: number }> }>(port, '/stats');
    log({ updates: n, heapUsed: s.heapUsed, settled: s.settled, ...s.code, ...Object.fromEntries(s.spaces.map((x) => [x.name, x.used])) });
  };
  try {
    process.env['BATON_SOCKET_DIR'] = env['BATON_SOCKET_DIR'];
    const client = await ControlClient.open(socketPathFor(server.pid!));
    try {
      await stats(0);
      for (let n = 1; n <= TOTAL; n++) {
        const to = (n % 5) + 1;
        const body = await client.request({ type: 'update', dir: versions[to - 1]!, dryRun: false, timeoutMs: 5000 });
        const outcome = (body as { outcome: UpdateOutcome }).outcome;
        if (outcome.status !== 'applied') throw new Error(`update ${n}: ${outcome.status}`);
        const mech = outcome.modules.map((m) => `${m.id}:${m.mechanism}`).join(',');
        if (mech !== `conf.ts:${EXPECTED[to]}`) throw new Error(`update ${n}: expected ${EXPECTED[to]}, got ${mech}`);
        if (RAW.includes(n)) log({ updates: n, snap: await getJson(port, `/snap?raw=1&file=${encodeURIComponent(join(OUT, `raw-${n}.heapsnapshot`))}`) });
        if (n === 10 || n % EVERY === 0) await stats(n);
        if (SAMPLE[0] === n) log({ updates: n, sample: await getJson(port, '/sample/start') });
        if (SAMPLE[1] === n) {
          const { profile } = await getJson<{ profile: unknown }>(port, '/sample/stop');
          const file = join(OUT, `sample-${SAMPLE[0]}-${n}.json`);
          (await import('node:fs')).writeFileSync(file, JSON.stringify(profile));
          log({ updates: n, sampleFile: file });
        }
        if (SNAP.includes(n)) log({ updates: n, snap: await getJson(port, `/snap?file=${encodeURIComponent(join(OUT, `heap-${n}.heapsnapshot`))}`) });
      }
    } finally {
      client.close();
    }
  } finally {
    await stopServer(server);
  }
}

await main();
