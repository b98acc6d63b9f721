// Update pause against state size: kv filled with 1k .. 1M keys, then one
// live update, its `timing.pauseMs` (the longest event-loop block) as
// reported by `baton update --json`:
//   patch         v4 -> v5 (function bodies only: new bodies swapped into their slots)
//   reload lazy   v1 -> v2 as shipped (Entry transformed on first access)
//   reload eager  v1 -> v2 with a copy of v2 whose transformer says mode: 'eager'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { fillKeys } from './lib/kv-load.js';
import { batonCli, BIN, freePort, median, ROOT, startServer, stopServer } from './lib/process.js';
import { fmt, int, lineChart, loadNote, printTable, QUICK, rerunCommand, rssMiB, table, writeResults, writeSvg, type Target } from './lib/report.js';

const NAME = 'kv-pause';
const SIZES = QUICK ? [1_000, 10_000, 100_000] : [1_000, 10_000, 100_000, 1_000_000];
const samplesFor = (size: number) => (QUICK ? 1 : size >= 1_000_000 ? 1 : 3);
const env = { ...process.env, BATON_SOCKET_DIR: mkdtempSync(join(tmpdir(), 'baton-bench-')) };

// The eager variant: a copy of v2 whose transformer is eager (both directions).
const eagerDir = join(mkdtempSync(join(tmpdir(), 'baton-eager-')), 'v2');
mkdirSync(eagerDir, { recursive: true });
cpSync(join(ROOT, 'examples/kv/v2'), eagerDir, { recursive: true });
{
  const file = join(eagerDir, 'baton.update.ts');
  const src = readFileSync(file, 'utf8');
  const eager = src.replace(/mode: 'lazy'/g, "mode: 'eager'").replace(/(['"])\.\.\/v1\//g, `$1${join(ROOT, 'examples/kv/v1')}/`);
  if (eager === src || eager.includes("mode: 'lazy'") || eager.includes('../v1/')) throw new Error('could not make the eager copy of v2/baton.update.ts');
  writeFileSync(file, eager);
}

interface Scenario {
  id: string;
  label: string;
  from: string;
  to: string;
}
const SCENARIOS: Scenario[] = [
  { id: 'patch', label: 'patch v4->v5', from: 'examples/kv/v4', to: join(ROOT, 'examples/kv/v5') },
  { id: 'lazy', label: 'reload v1->v2 lazy', from: 'examples/kv/v1', to: join(ROOT, 'examples/kv/v2') },
  { id: 'eager', label: 'reload v1->v2 eager', from: 'examples/kv/v1', to: eagerDir },
];

interface Sample {
  scenario: string;
  keys: number;
  status: string;
  mechanisms: string[];
  pauseMs: number;
  totalMs: number;
  migrated: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  fillMs: number;
  keysAfter: number;
  spotCheckWrong: number;
  /** Longest PING round trip seen by a probe client looping PINGs during the update: the stall as a client sees it. */
  probeMaxMs: number;
}

/** Loops PING on its own connection until stopped; returns the longest round trip. */
function probe(port: number): { stop: () => Promise<number> } {
  const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  let running = true;
  let worst = 0;
  const done = (async () => {
    await c.connect();
    while (running) {
      const t0 = performance.now();
      await c.ping();
      worst = Math.max(worst, performance.now() - t0);
    }
    c.disconnect();
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return worst;
    },
  };
}

async function sample(s: Scenario, keys: number): Promise<Sample> {
  const port = await freePort();
  const name = `pause-${process.pid}-${port}`;
  const server = await startServer([BIN, 'run', '--name', name, join(ROOT, s.from, 'server.ts'), '--', '--port', String(port)], /listening/, env, 60_000);
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  await client.connect();
  try {
    const t0 = performance.now();
    await fillKeys(client, keys);
    const fillMs = performance.now() - t0;
    const rssBeforeMiB = rssMiB(server.pid!);
    const pinger = probe(port);
    await new Promise((r) => setTimeout(r, 200));
    const r = await batonCli(['update', name, s.to, '--json', '--no-check'], env);
    await new Promise((r) => setTimeout(r, 200));
    const probeMaxMs = await pinger.stop();
    let outcome: { status: string; timing?: { pauseMs: number; totalMs: number }; modules: Array<{ mechanism: string; classes?: Array<{ mode: string; instances: number }> }>; reason?: { message: string } };
    try {
      outcome = JSON.parse(r.stdout);
    } catch {
      throw new Error(`baton update ${s.to} failed (${r.code}): ${r.stderr}${r.stdout}`);
    }
    const keysAfter = await client.dbsize();
    let wrong = 0;
    for (let i = 0; i < 100; i++) {
      const k = Math.floor((i * keys) / 100);
      if ((await client.get(`key:${k}`)) !== `value-${k}`) wrong++;
    }
    const migrated = outcome.modules.flatMap((m) => m.classes ?? []).filter((c) => c.mode === 'eager').reduce((a, c) => a + c.instances, 0);
    return {
      scenario: s.id,
      keys,
      status: outcome.status + (outcome.reason ? `: ${outcome.reason.message}` : ''),
      mechanisms: [...new Set(outcome.modules.map((m) => m.mechanism))],
      pauseMs: outcome.timing?.pauseMs ?? NaN,
      totalMs: outcome.timing?.totalMs ?? NaN,
      migrated,
      rssBeforeMiB,
      rssAfterMiB: rssMiB(server.pid!),
      fillMs,
      keysAfter,
      spotCheckWrong: wrong,
      probeMaxMs,
    };
  } finally {
    client.disconnect();
    await stopServer(server);
  }
}

const samples: Sample[] = [];
for (const keys of SIZES) {
  for (const s of SCENARIOS) {
    for (let i = 0; i < samplesFor(keys); i++) {
      const r = await sample(s, keys);
      samples.push(r);
      console.log(`${s.label.padEnd(20)} ${int(keys).padStart(9)} keys: ${r.status}, pause ${fmt(r.pauseMs)} ms, probe max ${fmt(r.probeMaxMs)} ms (total ${fmt(r.totalMs, 0)} ms), ${r.mechanisms.join('+')}${r.migrated ? `, ${int(r.migrated)} migrated` : ''}, RSS ${fmt(r.rssBeforeMiB, 0)} MiB, keys after ${int(r.keysAfter)}, spot-check wrong ${r.spotCheckWrong}`);
    }
  }
}

const pick = (sc: string, keys: number) => samples.filter((x) => x.scenario === sc && x.keys === keys);
const med = (sc: string, keys: number) => median(pick(sc, keys).filter((x) => x.status === 'applied').map((x) => x.pauseMs));
const probeMed = (sc: string, keys: number) => median(pick(sc, keys).filter((x) => x.status === 'applied').map((x) => x.probeMaxMs));
const header = ['keys', 'RSS before (MiB)', ...SCENARIOS.map((s) => `${s.label}: pauseMs / client-seen stall, ms`), 'eager: instances migrated'];
const rows = SIZES.map((keys) => [int(keys), fmt(median(samples.filter((x) => x.keys === keys).map((x) => x.rssBeforeMiB)), 0), ...SCENARIOS.map((s) => `${fmt(med(s.id, keys))} / ${fmt(probeMed(s.id, keys))}`), int(median(pick('eager', keys).map((x) => x.migrated)))]);
console.log('\nupdate pause (median) against keys');
printTable(header, rows);

const failures = samples.filter((x) => x.status !== 'applied' || x.keysAfter !== x.keys || x.spotCheckWrong > 0);
const largest = SIZES[SIZES.length - 1]!;
writeSvg(NAME, lineChart({ title: 'kv: update pause (timing.pauseMs) against keys', xLabel: 'keys in the store (log scale)', yLabel: 'pause, ms (log scale)', logY: true, series: SCENARIOS.map((s) => ({ label: s.label, points: SIZES.map((k) => ({ x: k, y: med(s.id, k) })) })) }));
const targets: Target[] = []; // the issue sets no pause target; availability.ts checks latency inside update windows
function growth(what: string, id: string): string {
  const a = med(id, SIZES[0]!);
  const b = med(id, largest);
  const mid = largest > 100_000 ? `, ${fmt(med(id, 100_000))} ms at 100,000` : '';
  return `${what}: ${fmt(a)} ms at ${int(SIZES[0]!)} keys${mid}, ${fmt(b)} ms at ${int(largest)} (x${fmt(b / a, 1)}; client-seen stall ${fmt(probeMed(id, SIZES[0]!))} -> ${fmt(probeMed(id, largest))} ms).`;
}
function largestNote(): string {
  const at = (id: string) => med(id, largest);
  const order = SCENARIOS.map((s) => ({ s, ms: at(s.id) })).sort((a, b) => b.ms - a.ms);
  return `at ${int(largest)} keys the largest median pause is the ${order[0]!.s.label} (${fmt(order[0]!.ms)} ms), then ${order.slice(1).map((o) => `${o.s.label} (${fmt(o.ms)} ms)`).join(', ')}.`;
}
const md = `### Update pause against state size

\`\`\`sh
${rerunCommand(NAME)}
\`\`\`

kv filled with N keys (\`SET key:i value-i\`, pipelined ioredis), then one \`baton update <name> <dir> --json --no-check\`;
the figure is the outcome's \`timing.pauseMs\`, the longest event-loop block of the update. One fresh server per sample,
median of ${QUICK ? '1 sample' : '3 samples (1 at 1M keys)'}. *patch*: kv v4 -> v5 (bodies only: new bodies compiled in each module's scope, swapped into their slots; patch-pause has 100 samples per size);
*lazy*: v1 -> v2 as shipped (\`Entry\` transformed on first access); *eager*: a temp copy of v2 whose \`baton.update.ts\` says \`mode: 'eager'\`.
After every update the key count and 100 sampled values were checked: ${failures.length === 0 ? 'all correct' : `${failures.length} samples failed (see json)`}.
${loadNote()}

${table(header, rows)}

![update pause against keys](bench/results/${NAME}.svg)

Pause growth from the smallest to the largest store: ${growth('lazy reload', 'lazy')} ${growth('Eager reload', 'eager')} ${growth('Patch', 'patch')}
No pause target is set here (patch-pause has the patch targets); ${largestNote()}
`;
writeResults(NAME, md, { sizes: SIZES, samples, medians: Object.fromEntries(SCENARIOS.map((s) => [s.id, Object.fromEntries(SIZES.map((k) => [k, med(s.id, k)]))])), targets });
if (failures.length > 0) process.exitCode = 1;
