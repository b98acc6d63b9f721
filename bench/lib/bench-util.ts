// Shared plumbing for the measurement scripts (bench/patch-pause.ts,
// throughput.ts, reload-pause.ts, memory.ts, plan-time.ts): temp dirs,
// a private control-socket dir, update calls, loopback HTTP to a program's
// bench endpoints, and writing bench/results/<name>.{md,json}.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { batonCli, median, percentile, ROOT } from './process.js';

export const QUICK = process.argv.includes('--quick');

/** A fresh temp dir (under os.tmpdir(), never the repo), removed at exit. */
const temps: string[] = [];
process.once('exit', () => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `baton-bench-${prefix}-`));
  temps.push(dir);
  return dir;
}

/** The environment for every program and CLI call: a control-socket dir of our own. */
export function benchEnv(prefix: string): NodeJS.ProcessEnv {
  return { ...process.env, BATON_SOCKET_DIR: tempDir(`${prefix}-sock`) };
}

/** Writes `files` (relative path -> text) under `dir`. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

export interface Outcome {
  status: string;
  modules: Array<{ id: string; mechanism: string; classes: Array<{ name: string; mode: string; instances: number }>; bindings: Array<{ name: string; how: string }> }>;
  timing?: { pauseMs: number; commitMs?: number; totalMs: number };
  reason?: { code: string; message: string };
  warnings?: string[];
}

/** `baton update <target> <dir> --json` through the real CLI. */
export async function cliUpdate(target: string, dir: string, env: NodeJS.ProcessEnv, check = false, extra: readonly string[] = []): Promise<Outcome & { cliMs: number }> {
  const started = performance.now();
  const args = ['update', target, dir, '--json', ...(check ? [] : ['--no-check']), ...extra];
  const r = await batonCli(args, env);
  const cliMs = performance.now() - started;
  let outcome: Outcome;
  try {
    outcome = JSON.parse(r.stdout) as Outcome;
  } catch {
    throw new Error(`baton ${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
  }
  if (outcome.status !== 'applied') throw new Error(`update to ${dir} was ${outcome.status}: ${outcome.reason?.message ?? ''}`);
  return { ...outcome, cliMs };
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** GET http://127.0.0.1:port/path, parsed as JSON. */
export function getJson<T = Record<string, unknown>>(port: number, path: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent }, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as T);
        } catch {
          reject(new Error(`GET ${path}: ${res.statusCode} ${body.slice(0, 200)}`));
        }
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
  });
}

/** Closed-loop load: `concurrency` keep-alive clients GET `path` for `ms`; requests per second. */
export async function httpLoad(port: number, path: string, ms: number, concurrency = 8): Promise<number> {
  const until = performance.now() + ms;
  let done = 0;
  const worker = async () => {
    while (performance.now() < until) {
      await getJson(port, path, 10_000);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

/** Runs a process to completion, capturing its output. */
export function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

export function stats(values: readonly number[]): { median: number; p90: number; min: number; max: number; n: number } {
  return { median: median(values), p90: percentile(values, 90), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

// One implementation of the small formatting helpers for every bench script.
export { fmt, sleep, table as mdTable } from './report.js';
import { CODE_AT_START, loadNote } from './report.js';

/** Writes bench/results/<name>.md (a markdown section) and <name>.json (raw numbers). */
export function writeResults(name: string, section: { title: string; command: string; table: string; verdict: string; notes?: string[] }, raw: unknown): void {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const env = `Node ${process.version}, ${QUICK ? 'quick' : 'full'} mode, ${new Date().toISOString().slice(0, 10)}`;
  const md = [`### ${section.title}`, '', '```', section.command, '```', '', `_${env}_`, '', section.table, '', ...(section.notes ?? []).flatMap((n) => [n, '']), loadNote(), '', `**Result:** ${section.verdict}`, ''].join('\n');
  writeFileSync(join(dir, `${name}.md`), md);
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify({ name, mode: QUICK ? 'quick' : 'full', node: process.version, date: new Date().toISOString(), ...(raw as object), code: CODE_AT_START }, null, 2)}\n`);
  console.log(`\nwrote bench/results/${name}.md and bench/results/${name}.json`);
}

/** A program-side event-loop gap monitor, as TypeScript source to paste into a generated program. */
export const LAG_MONITOR = `
let lagMax = 0;
let lagLast = performance.now();
const lagTimer = setInterval(() => {
  const now = performance.now();
  const gap = now - lagLast - 1;
  if (gap > lagMax) lagMax = gap;
  lagLast = now;
}, 1);
lagTimer.unref();
/** Longest event-loop block seen since the last call (ms, beyond the 1 ms tick). */
export function takeLag(): number {
  const v = lagMax;
  lagMax = 0;
  return v;
}
`;
