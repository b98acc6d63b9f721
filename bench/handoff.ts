// Process hand-off (`baton update --handoff`): the time no request is served,
// split into quiescence, state transfer and install, at 0, 100k and 1M keys,
// and the transfer rate. The baseline, measured in the same run: plain Node.js
// restarting the same program (bundled by esbuild), which is unavailable for
// as long as a process takes to start, and loses every key.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { fillKeys } from './lib/kv-load.js';
import { batonCli, BIN, freePort, median, ROOT, startServer, stopServer } from './lib/process.js';
import { fmt, int, loadNote, printTable, QUICK, rerunCommand, table, writeResults, type Target } from './lib/report.js';

const NAME = 'handoff';
const SIZES = QUICK ? [0, 100_000] : [0, 100_000, 1_000_000];
const SAMPLES = QUICK ? 1 : 3;
const env = { ...process.env, BATON_SOCKET_DIR: mkdtempSync(join(tmpdir(), 'baton-bench-')) };

// kv v5 twice: the running version and the one handed off to (its expiry cursor restarts: `reinit`).
const root = mkdtempSync(join(tmpdir(), 'baton-handoff-bench-'));
for (const v of ['a', 'b']) cpSync(join(ROOT, 'examples/kv/v5'), join(root, v), { recursive: true });
writeFileSync(join(root, 'b', 'baton.update.ts'), "import { defineUpdate } from 'baton-dsu';\nexport default defineUpdate({ reinit: { 'expiry.ts': ['cursor'] } });\n");

interface Sample {
  keys: number;
  status: string;
  pauseMs: number;
  quiesceMs: number;
  transferMs: number;
  installMs: number;
  withoutTransferMs: number;
  bytes: number;
  rateMBps: number;
  serializeMs: number;
  sendMs: number;
  restoreMs: number;
  startMs: number;
  /** The walk for what cannot cross, before anything stops: the program's event loop is blocked meanwhile. */
  checkMs: number;
  /** Longest PING round trip a probe client saw (it reconnects by itself after its connection is closed). */
  probeMaxMs: number;
  keysAfter: number;
}

/** Loops PING until stopped; the longest gap between two answers. */
function probe(port: number): { stop: () => Promise<number> } {
  const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => 1 });
  c.on('error', () => undefined);
  let running = true;
  let worst = 0;
  const done = (async () => {
    await c.connect();
    let last = performance.now();
    while (running) {
      await c.ping();
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
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

async function sample(keys: number): Promise<Sample> {
  const port = await freePort();
  const name = `handoff-${process.pid}-${port}`;
  const server = await startServer([BIN, 'run', '--name', name, join(root, 'a', 'server.ts'), '--', '--port', String(port)], /listening/, env, 60_000);
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  client.on('error', () => undefined);
  await client.connect();
  let newPid: number | undefined;
  try {
    await fillKeys(client, keys);
    const pinger = probe(port);
    await new Promise((r) => setTimeout(r, 200));
    const r = await batonCli(['update', name, join(root, 'b'), '--handoff', '--json', '--no-check', '--grace', '500', '--timeout', '120000'], env);
    await new Promise((r) => setTimeout(r, 200));
    const probeMaxMs = await pinger.stop();
    const o = JSON.parse(r.stdout) as {
      status: string;
      reason?: { message: string };
      pid: number;
      pauseMs: number;
      steps: Array<{ name: string; ms: number }>;
      transfer: { bytes: number; rateMBps: number; serializeMs: number; sendMs: number; restoreMs: number };
    };
    if (o.status !== 'applied') throw new Error(`hand-off ${o.status}: ${o.reason?.message}`);
    newPid = o.pid;
    const step = (n: string) => o.steps.find((s) => s.name === n)?.ms ?? NaN;
    const transferMs = o.transfer.serializeMs + o.transfer.sendMs + o.transfer.restoreMs;
    return {
      keys,
      status: o.status,
      pauseMs: o.pauseMs,
      quiesceMs: step('quiesce'),
      transferMs,
      installMs: o.pauseMs - step('quiesce') - transferMs,
      withoutTransferMs: o.pauseMs - transferMs,
      bytes: o.transfer.bytes,
      rateMBps: o.transfer.rateMBps,
      serializeMs: o.transfer.serializeMs,
      sendMs: o.transfer.sendMs,
      restoreMs: o.transfer.restoreMs,
      startMs: step('start'),
      checkMs: step('check'),
      probeMaxMs,
      keysAfter: await client.dbsize(),
    };
  } finally {
    client.disconnect();
    if (newPid !== undefined) process.kill(newPid, 'SIGTERM');
    await stopServer(server);
  }
}

/** Plain Node.js: the same program bundled, killed and started again; how long PING goes unanswered. */
async function plainRestart(): Promise<{ gapMs: number; keysAfter: number }> {
  const bundle = join(root, 'kv.mjs');
  await build({ entryPoints: [join(ROOT, 'examples/kv/v5/server.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
  const port = await freePort();
  const first = await startServer([bundle, '--port', String(port)], /listening/, env);
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => 1 });
  client.on('error', () => undefined);
  await client.connect();
  await fillKeys(client, 1000);
  const t0 = performance.now();
  await stopServer(first);
  const second = spawn(process.execPath, [bundle, '--port', String(port)], { stdio: 'ignore' });
  for (;;) {
    try {
      await client.ping();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  const gapMs = performance.now() - t0;
  const keysAfter = await client.dbsize();
  client.disconnect();
  second.kill('SIGKILL');
  return { gapMs, keysAfter };
}

/** kv's Entry, as plain Node.js would hold it. */
class Entry {
  constructor(
    public value: { kind: 'string'; data: string },
    public expiresAt: number | undefined = undefined,
  ) {}
}

/**
 * Plain Node.js moving the same state by hand, in this process: kv's keyspace
 * (16 Maps, N Entry instances) through v8.serialize, a file in /dev/shm and
 * v8.deserialize, without reviving the class (the clone drops it). What a
 * program could do for itself with Node's own structured clone.
 */
function plainTransfer(keys: number): { ms: number; bytes: number; rateMBps: number } {
  const dbs = Array.from({ length: 16 }, () => new Map<string, Entry>());
  for (let j = 0; j < keys; j++) dbs[0]!.set(`key:${j}`, new Entry({ kind: 'string', data: `value-${j}` }));
  const file = join(mkdtempSync('/dev/shm/baton-bench-'), 'state');
  const t0 = performance.now();
  const bytes = serialize(dbs);
  writeFileSync(file, bytes, { mode: 0o600 });
  const back = deserialize(readFileSync(file)) as Array<Map<string, Entry>>;
  const ms = performance.now() - t0;
  rmSync(file);
  if (back[0]!.size !== keys) throw new Error('plain transfer lost keys');
  return { ms, bytes: bytes.length, rateMBps: bytes.length / 1e6 / (ms / 1000) };
}

/**
 * How fast this machine gives a process memory it has not touched yet,
 * against memory it has (MB/s): decoding builds the state in fresh pages,
 * so this bounds any transfer rate.
 */
function freshMemoryRate(): { freshMBps: number; touchedMBps: number } {
  const size = 64e6;
  const b = Buffer.allocUnsafeSlow(size);
  let t = performance.now();
  b.fill(1);
  const fresh = performance.now() - t;
  t = performance.now();
  b.fill(2);
  const touched = performance.now() - t;
  return { freshMBps: size / 1e6 / (fresh / 1000), touchedMBps: size / 1e6 / (touched / 1000) };
}

const samples: Sample[] = [];
for (const keys of SIZES) {
  for (let i = 0; i < (keys >= 1_000_000 ? 1 : SAMPLES); i++) {
    const s = await sample(keys);
    samples.push(s);
    console.log(`${int(keys).padStart(9)} keys: no request served for ${fmt(s.pauseMs)} ms (quiesce ${fmt(s.quiesceMs)}, transfer ${fmt(s.transferMs)}, install ${fmt(s.installMs)}), ${fmt(s.bytes / 1e6)} MB at ${fmt(s.rateMBps, 0)} MB/s; probe max gap ${fmt(s.probeMaxMs)} ms; keys after ${int(s.keysAfter)}`);
  }
}
const plain = [];
for (let i = 0; i < SAMPLES; i++) plain.push(await plainRestart());
const plainTransfers = SIZES.filter((k) => k > 0).map((k) => ({ keys: k, ...plainTransfer(k) }));
for (const p of plainTransfers) console.log(`plain node v8.serialize + file + v8.deserialize of ${int(p.keys)} keys: ${fmt(p.ms)} ms, ${fmt(p.bytes / 1e6)} MB at ${fmt(p.rateMBps, 0)} MB/s`);
const memory = freshMemoryRate();
console.log(`memory: first touch ${fmt(memory.freshMBps, 0)} MB/s, touched again ${fmt(memory.touchedMBps, 0)} MB/s`);
const plainGap = median(plain.map((p) => p.gapMs));
console.log(`plain node restart: PING unanswered for ${fmt(plainGap)} ms (median), keys after ${plain.map((p) => p.keysAfter).join(', ')} of 1000`);

const at = (keys: number, f: (s: Sample) => number) => median(samples.filter((s) => s.keys === keys).map(f));
const header = ['keys', 'no request served (ms)', 'quiescence', 'state transfer', 'install', 'without transfer', 'state MB', 'rate MB/s', 'serialize / send / restore (ms)', 'plain node clone (ms, MB/s)', 'check before stopping (ms)', 'probe max gap (ms)', 'start of new process (ms)'];
const plainAt = (k: number) => plainTransfers.find((p) => p.keys === k);
const rows = SIZES.map((k) => [
  int(k),
  fmt(at(k, (s) => s.pauseMs)),
  fmt(at(k, (s) => s.quiesceMs)),
  fmt(at(k, (s) => s.transferMs)),
  fmt(at(k, (s) => s.installMs)),
  fmt(at(k, (s) => s.withoutTransferMs)),
  fmt(at(k, (s) => s.bytes / 1e6)),
  k === 0 ? '-' : fmt(at(k, (s) => s.rateMBps), 0),
  `${fmt(at(k, (s) => s.serializeMs))} / ${fmt(at(k, (s) => s.sendMs))} / ${fmt(at(k, (s) => s.restoreMs))}`,
  plainAt(k) ? `${fmt(plainAt(k)!.ms)}, ${fmt(plainAt(k)!.rateMBps, 0)}` : '-',
  fmt(at(k, (s) => s.checkMs)),
  fmt(at(k, (s) => s.probeMaxMs)),
  fmt(at(k, (s) => s.startMs), 0),
]);
console.log('\nhand-off (median)');
printTable(header, rows);
const largest = SIZES[SIZES.length - 1]!;
const withoutMax = Math.max(...SIZES.map((k) => at(k, (s) => s.withoutTransferMs)));
const rate = at(largest, (s) => s.rateMBps);
const targets: Target[] = [
  { target: 'hand-off: no request served, without the state transfer, <= 50 ms', measured: `${fmt(withoutMax)} ms (worst median over sizes)`, met: withoutMax <= 50 },
  { target: `hand-off: state transfer rate at ${int(largest)} keys >= 300 MB/s`, measured: `${fmt(rate, 0)} MB/s`, met: rate >= 300 },
];
const lost = samples.filter((s) => s.keysAfter !== s.keys);
const md = `### Process hand-off

\`\`\`sh
${rerunCommand(NAME)}
\`\`\`

kv v5 filled with N keys (\`SET key:i value-i\`), a probe client looping PING, then \`baton update <name> <copy of v5> --handoff --json --no-check --grace 500\`
(the copy's \`baton.update.ts\` reinitializes the expiry cursor). *No request served* is the outcome's \`pauseMs\`: from the moment the old process
stopped accepting and reading to the moment the new one served (its listening socket adopted). It splits into *quiescence* (in-flight work settling),
*state transfer* (encode in the old process, the bytes through a private file in /dev/shm, decode with the new classes and write bindings in the new one) and *install*
(the rest: handing the listening socket over, the new process's adopt, the messages). The *rate* is state bytes (baton's format) over the transfer time.
*Plain node clone*, in the bench process in the same run: the same keyspace (16 Maps, N class instances) through \`v8.serialize\`, a file in /dev/shm and
\`v8.deserialize\` (rate on v8's bytes; the class is not revived). *Check before stopping*: the walk for what cannot cross, while the program still serves
(its event loop is blocked that long, before the pause). The probe's *max gap* is what a client sees: the check, the pause, and its connection closed
gracefully and reopened by itself. One fresh server per sample, median of ${SAMPLES} (1 at 1M keys).
Keys after the hand-off: ${lost.length === 0 ? 'all present in every sample' : `${lost.length} samples lost keys`}.
Baseline in the same run: plain Node.js restarting the same program (esbuild bundle): PING unanswered for ${fmt(plainGap)} ms (median of ${plain.length}), and ${plain.map((p) => p.keysAfter).join(', ')} of 1,000 keys left.
Memory on this machine, same run: a process writes fresh pages at ${fmt(memory.freshMBps, 0)} MB/s the first time and ${fmt(memory.touchedMBps, 0)} MB/s the second (64 MB \`Buffer.fill\`); the new process builds the whole state in fresh pages.
${loadNote()}

${table(header, rows)}

${table(['target', 'measured', 'met'], targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'no']))}
`;
writeResults(NAME, md, { sizes: SIZES, samples, plain, plainTransfers, memory, targets });
if (lost.length > 0) process.exitCode = 1;
