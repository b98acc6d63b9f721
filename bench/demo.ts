// `npm run demo`: the kv server (a Redis-compatible store) under load from
// real Redis clients, updated live through its releases and rolled back one
// step, with nothing restarted. Exits non-zero if any request failed, any
// connection dropped or any key was lost.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { KvLoad } from './lib/kv-load.js';
import { batonCli, freePort, percentile, ROOT, startServer, stopServer } from './lib/process.js';
import { loadNote, table, writeResults, type Target } from './lib/report.js';

const KEYS = Number(process.env['DEMO_KEYS'] ?? 50_000);
const CLIENTS = 8;
const NAME = `kv-demo-${process.pid}`;
const env = { ...process.env, BATON_SOCKET_DIR: mkdtempSync(join(tmpdir(), 'baton-demo-')) };
const tty = process.stdout.isTTY;

interface Outcome {
  status: string;
  modules: Array<{ id: string; mechanism: string; classes: Array<{ name: string; mode: string; instances: number }>; bindings: Array<{ name: string; how: string }> }>;
  timing?: { pauseMs: number; totalMs: number };
  reason?: { message: string };
  to?: { label: string };
  warnings?: string[];
}

interface Row {
  step: string;
  result: string;
  mechanism: string;
  pause: string;
  keysBefore: number;
  keysAfter: number;
  failed: number;
}

async function main(): Promise<number> {
  const port = await freePort();
  console.log(`baton demo: kv (Redis protocol) on 127.0.0.1:${port}, ${KEYS.toLocaleString()} keys, ${CLIENTS} clients under continuous verified load\n`);
  const server = await startServer([join(ROOT, 'bin', 'baton.js'), 'run', '--name', NAME, join(ROOT, 'examples/kv/v1/server.ts'), '--', '--port', String(port)], /listening/, env);
  const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  await admin.connect();
  const rows: Row[] = [];
  let load: KvLoad | undefined;
  try {
    await fill(admin);
    console.log(`started kv v1 under \`baton run\` (pid ${server.pid}) and wrote ${KEYS.toLocaleString()} keys; the load clients write ${(CLIENTS * 1000).toLocaleString()} keys of their own`);
    load = new KvLoad(port, CLIENTS, 90_000);
    await load.start();
    const progress = setInterval(() => showProgress(load!), 250);
    await sleep(1500);
    for (const version of ['v2', 'v3', 'v4', 'v5']) rows.push(await step(load, admin, `update -> ${version}`, ['update', NAME, join(ROOT, 'examples/kv', version), '--json']));
    rows.push(await step(load, admin, 'rollback -> v4', ['rollback', NAME, '--json']));
    await sleep(1000);
    clearInterval(progress);
    const stats = await load.stop();
    load = undefined;
    if (tty) process.stdout.write('\n');
    const lost = await verify(admin);
    printSummary(rows, stats, lost);
    const ok = stats.failed === 0 && stats.dropped === 0 && lost === 0 && rows.every((r) => r.result === 'applied');
    record(rows, stats, lost, ok);
    console.log(ok ? '\nevery update applied live: no failed request, no dropped connection, no lost key' : '\nDEMO FAILED');
    return ok ? 0 : 1;
  } finally {
    await load?.stop();
    admin.disconnect();
    await stopServer(server);
  }
}

async function fill(admin: Redis): Promise<void> {
  for (let i = 0; i < KEYS; i += 5000) {
    const pipe = admin.pipeline();
    for (let j = i; j < Math.min(KEYS, i + 5000); j++) pipe.set(`key:${j}`, `value-${j}`);
    await pipe.exec();
  }
}

async function verify(admin: Redis): Promise<number> {
  let lost = 0;
  for (let i = 0; i < KEYS; i += 5000) {
    const keys = Array.from({ length: Math.min(5000, KEYS - i) }, (_, j) => `key:${i + j}`);
    const values = await admin.mget(...keys);
    values.forEach((v, j) => {
      if (v !== `value-${i + j}`) lost++;
    });
  }
  return lost;
}

async function step(load: KvLoad, admin: Redis, label: string, args: string[]): Promise<Row> {
  const keysBefore = await admin.dbsize();
  const failedBefore = load.stats.failed;
  load.window(true);
  const r = await batonCli(args, env);
  await sleep(300);
  load.window(false);
  const keysAfter = await admin.dbsize();
  let outcome: Outcome;
  try {
    outcome = JSON.parse(r.stdout) as Outcome;
  } catch {
    throw new Error(`baton ${args.join(' ')} failed: ${r.stderr}`);
  }
  const mechanisms = [...new Set(outcome.modules.map((m) => m.mechanism))].join('+');
  if (tty) process.stdout.write('\r\x1b[K');
  console.log(`\n${label}: ${outcome.status}${outcome.reason ? ` (${outcome.reason.message})` : ''}`);
  for (const m of outcome.modules) {
    const classes = m.classes.filter((c) => c.mode !== 'methods').map((c) => ` class ${c.name} ${c.mode}${c.mode === 'eager' ? ` (${c.instances} migrated)` : ''}`);
    const state = m.bindings.filter((b) => b.how === 'carried' || b.how === 'transformed').map((b) => `${b.name} ${b.how}`);
    console.log(`  ${m.mechanism.padEnd(7)} ${m.id}${classes.join('')}${state.length ? `  state: ${state.join(', ')}` : ''}`);
  }
  for (const w of outcome.warnings ?? []) console.log(`  warning: ${w}`);
  console.log(`  pause ${outcome.timing?.pauseMs.toFixed(2) ?? '-'} ms; keys ${keysBefore} -> ${keysAfter}; failed requests in window ${load.stats.failed - failedBefore}`);
  return { step: label, result: outcome.status, mechanism: mechanisms, pause: outcome.timing ? outcome.timing.pauseMs.toFixed(2) : '-', keysBefore, keysAfter, failed: load.stats.failed - failedBefore };
}

/** bench/results/demo.{md,json}: the steps' pauses, and the target on the patch steps (update -> v5, rollback -> v4). */
function record(rows: Row[], stats: { requests: number; failed: number; dropped: number }, lost: number, ok: boolean): void {
  const patchSteps = rows.filter((r) => r.mechanism === 'patch');
  const worst = Math.max(...patchSteps.map((r) => Number(r.pause)));
  const targets: Target[] = [{ target: 'the demo\'s patch steps (update -> v5, rollback -> v4) pause at most 10 ms', measured: patchSteps.map((r) => `${r.step}: ${r.pause} ms`).join(', '), met: patchSteps.length > 0 && worst <= 10 }];
  const md = `### Demo: \`npm run demo\`

\`\`\`sh
npm run demo
\`\`\`

kv v1 under \`baton run\` with ${KEYS.toLocaleString('en-US')} keys and ${CLIENTS} verified ioredis clients, updated with \`baton update <name> <dir> --json\` (type check included, before the update request) to v2, v3, v4, v5, then \`baton rollback\` to v4.
*pause* is each outcome's \`timing.pauseMs\`. ${stats.requests.toLocaleString('en-US')} requests, ${stats.failed} failed, ${stats.dropped} connections dropped, ${lost} keys lost: ${ok ? 'every update applied live' : 'DEMO FAILED'}.
${loadNote()}

${table(['step', 'result', 'mechanism', 'pause ms', 'keys before', 'keys after', 'failed in window'], rows.map((r) => [r.step, r.result, r.mechanism, r.pause, String(r.keysBefore), String(r.keysAfter), String(r.failed)]))}

Patch steps: ${targets[0]!.measured} (target at most 10 ms: ${targets[0]!.met ? 'met' : 'missed'}).
`;
  writeResults('demo', md, { keys: KEYS, clients: CLIENTS, rows, requests: stats.requests, failed: stats.failed, dropped: stats.dropped, lost, ok, targets });
}

function showProgress(load: KvLoad): void {
  const s = load.stats;
  const line = `load: ${s.requests.toLocaleString()} requests, ${s.failed} failed, ${s.dropped} dropped, p99 ${percentile(s.outside.slice(-5000), 99).toFixed(2)} ms`;
  if (tty) process.stdout.write(`\r\x1b[K${line}`);
}

function printSummary(rows: Row[], stats: { requests: number; failed: number; dropped: number; inside: number[]; outside: number[]; errors: string[] }, lost: number): void {
  console.log('\nsummary');
  const table = [['step', 'result', 'mechanism', 'pause ms', 'keys before', 'keys after', 'failed'], ...rows.map((r) => [r.step, r.result, r.mechanism, r.pause, String(r.keysBefore), String(r.keysAfter), String(r.failed)])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) console.log(`  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`);
  console.log(`\n  requests ${stats.requests.toLocaleString()}, failed ${stats.failed}, connections dropped ${stats.dropped}, keys lost ${lost} of ${KEYS.toLocaleString()}`);
  console.log(`  latency outside update windows: p50 ${percentile(stats.outside, 50).toFixed(2)} ms, p99 ${percentile(stats.outside, 99).toFixed(2)} ms, max ${max(stats.outside).toFixed(2)} ms`);
  if (stats.inside.length > 0) console.log(`  latency inside update windows:  p50 ${percentile(stats.inside, 50).toFixed(2)} ms, p99 ${percentile(stats.inside, 99).toFixed(2)} ms, max ${max(stats.inside).toFixed(2)} ms`);
  for (const e of stats.errors) console.log(`  error: ${e}`);
}

function max(values: readonly number[]): number {
  return values.reduce((a, b) => (b > a ? b : a), -Infinity);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

process.exitCode = await main();
