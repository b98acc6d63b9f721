import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KNOWN_DIFFERENCES_FILE, ROOT, readTest } from './selection.js';
import { MODES, type Mode, type ModeResult, type SlotStats, type WorkItem, type WorkerMessage } from './worker.js';

/**
 * Runs the conformance corpus in worker processes (worker.ts) and compares
 * each test's outcome under baton, fresh and after every slot was replaced,
 * with its outcome under plain node. No side effects on import.
 */

export interface TestRecord {
  readonly path: string;
  /** What test262 expects (`pass`, or `early:SyntaxError`, `runtime:TypeError`...). */
  readonly expected: string;
  readonly results: Partial<Record<Mode, ModeResult>>;
  /** Slot-form statistics of the baton runs (from the fresh mode; `swapped` from the replaced one). */
  stats?: SlotStats;
}

export interface Difference {
  readonly path: string;
  readonly mode: Exclude<Mode, 'node'>;
  readonly node: string;
  readonly baton: string;
  readonly nodeMessage?: string;
  readonly batonMessage?: string;
}

export interface KnownDifference {
  readonly path: string;
  readonly mode: Exclude<Mode, 'node'> | 'both';
  readonly node: string;
  readonly baton: string;
  readonly reason: string;
}

export interface CorpusReport {
  readonly records: TestRecord[];
  readonly ms: number;
  readonly workers: number;
  /** Workers killed for going silent (a test that never returned), and crashed workers. */
  readonly hangs: number;
  readonly crashes: number;
  /** Workers replaced because a test changed a built-in for good (see worker.ts). */
  readonly retirements: number;
}

export interface RunOptions {
  readonly workers?: number;
  /** Tests per worker process (Node's ESM loader keeps every imported module: a worker is retired after a batch). */
  readonly batch?: number;
  /** A worker silent this long is killed; its current run is recorded as `hang`. */
  readonly hangMs?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export function expectedOutcome(meta: { negative?: { phase: string; type: string } }): string {
  if (!meta.negative) return 'pass';
  return `${meta.negative.phase === 'runtime' ? 'runtime' : 'early'}:${meta.negative.type}`;
}

const WORKER = join(ROOT, 'dist', 'test', 'conformance', 'worker.js');

export async function runCorpus(paths: readonly string[], options: RunOptions = {}): Promise<CorpusReport> {
  const workers = options.workers ?? 2;
  const batch = options.batch ?? 250;
  const hangMs = options.hangMs ?? 30_000;
  const t0 = Date.now();
  // The workers write each test's module file under here.
  const scratch = mkdtempSync(join(tmpdir(), 'baton-conformance-'));
  const records = new Map<string, TestRecord>();
  for (const path of paths) records.set(path, { path, expected: expectedOutcome(readTest(path).meta), results: {} });
  const queue: WorkItem[][] = [];
  for (let i = 0; i < paths.length; i += batch) queue.push(paths.slice(i, i + batch).map((path) => ({ path, modes: MODES })));
  let hangs = 0;
  let crashes = 0;
  let retirements = 0;
  let finished = 0;
  const total = paths.length * MODES.length;

  const record = (path: string, mode: Mode, result: ModeResult, stats?: SlotStats) => {
    const r = records.get(path)!;
    if (r.results[mode] === undefined) finished++;
    r.results[mode] = result;
    if (stats && mode === 'fresh') r.stats = { ...stats, ...(r.stats?.swapped !== undefined ? { swapped: r.stats.swapped } : {}) };
    if (stats && mode === 'replaced') r.stats = { ...(r.stats ?? stats), swapped: stats.swapped ?? 0 };
    options.onProgress?.(finished, total);
  };

  /** Runs one batch in a fresh worker; what the worker did not finish goes back on the queue. */
  const runBatch = (items: WorkItem[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = fork(WORKER, ['--conformance-worker', scratch], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], cwd: ROOT, execArgv: [] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      let inProgress: { path: string; mode: Mode } | undefined;
      let started = false;
      const completed = new Set<string>();
      let sawDone = false;
      let timer: NodeJS.Timeout | undefined;
      let killedForHang = false;
      let retired = false;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          killedForHang = true;
          hangs++;
          child.kill('SIGKILL');
        }, hangMs);
      };
      child.on('message', (raw) => {
        const m = raw as WorkerMessage;
        arm();
        if (m.type === 'begin') {
          started = true;
          inProgress = { path: m.path, mode: m.mode };
        }
        else if (m.type === 'result') {
          record(m.path, m.mode, m.result, m.stats);
          completed.add(`${m.path}\0${m.mode}`);
          inProgress = undefined;
        } else if (m.type === 'retire') {
          retired = true;
          retirements++;
        } else if (m.type === 'done') sawDone = true;
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (!sawDone && !started && !killedForHang) {
          // Not one run began: the worker cannot start; retrying would loop.
          reject(new Error(`conformance worker failed to start (exit ${code ?? signal}): ${stderr.trim()}`));
          return;
        }
        if (!sawDone) {
          if (!killedForHang && !retired) crashes++;
          if (inProgress) {
            record(inProgress.path, inProgress.mode, { outcome: killedForHang ? 'hang' : 'crash', message: killedForHang ? `no answer in ${hangMs} ms` : stderr.trim().split('\n').slice(-3).join(' | '), ms: 0 });
            completed.add(`${inProgress.path}\0${inProgress.mode}`);
          }
          const rest = items.map((it) => ({ path: it.path, modes: it.modes.filter((mo) => !completed.has(`${it.path}\0${mo}`)) })).filter((it) => it.modes.length > 0);
          if (rest.length > 0) queue.unshift(rest);
        }
        resolve();
      });
      arm();
      child.send(items);
    });

  const lane = async () => {
    for (let items = queue.shift(); items; items = queue.shift()) await runBatch(items);
  };
  try {
    await Promise.all(Array.from({ length: workers }, lane));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { records: paths.map((p) => records.get(p)!), ms: Date.now() - t0, workers, hangs, crashes, retirements };
}

export function differencesOf(report: CorpusReport): Difference[] {
  const out: Difference[] = [];
  for (const r of report.records) {
    const node = r.results.node;
    for (const mode of ['fresh', 'replaced'] as const) {
      const baton = r.results[mode];
      if (!node || !baton || node.outcome !== baton.outcome) {
        out.push({
          path: r.path,
          mode,
          node: node?.outcome ?? 'missing',
          baton: baton?.outcome ?? 'missing',
          ...(node?.message !== undefined ? { nodeMessage: node.message } : {}),
          ...(baton?.message !== undefined ? { batonMessage: baton.message } : {}),
        });
      }
    }
  }
  return out;
}

export function loadKnownDifferences(): KnownDifference[] {
  return JSON.parse(readFileSync(KNOWN_DIFFERENCES_FILE, 'utf8')).differences as KnownDifference[];
}

/** Splits differences into those a known-differences entry accounts for, the rest, and entries that no longer differ. */
export function matchKnown(diffs: readonly Difference[], known: readonly KnownDifference[], ran: ReadonlySet<string>) {
  const covers = (k: KnownDifference, d: Difference) => k.path === d.path && (k.mode === 'both' || k.mode === d.mode) && k.node === d.node && k.baton === d.baton;
  const expected = diffs.filter((d) => known.some((k) => covers(k, d)));
  const unexpected = diffs.filter((d) => !known.some((k) => covers(k, d)));
  const stale = known.filter((k) => ran.has(k.path) && !diffs.some((d) => covers(k, d)));
  return { expected, unexpected, stale };
}

export interface Summary {
  readonly total: number;
  readonly runs: number;
  /** Node's outcome is test262's expectation. */
  readonly nodePasses: number;
  /** Same outcome under node, baton fresh and baton replaced. */
  readonly identical: number;
  readonly differing: number;
  readonly slots: number;
  readonly swapped: number;
  readonly unslottable: number;
  readonly plain: Record<string, number>;
}

export function summarize(report: CorpusReport): Summary {
  let nodePasses = 0;
  let identical = 0;
  let slots = 0;
  let swapped = 0;
  let unslottable = 0;
  const plain: Record<string, number> = {};
  for (const r of report.records) {
    if (r.results.node?.outcome === r.expected) nodePasses++;
    const n = r.results.node?.outcome;
    if (n !== undefined && r.results.fresh?.outcome === n && r.results.replaced?.outcome === n) identical++;
    if (r.stats) {
      slots += r.stats.slots;
      swapped += r.stats.swapped ?? 0;
      if (r.stats.unslottable) unslottable++;
      for (const [k, v] of Object.entries(r.stats.plain)) plain[k] = (plain[k] ?? 0) + v;
    }
  }
  return { total: report.records.length, runs: report.records.length * MODES.length, nodePasses, identical, differing: report.records.length - identical, slots, swapped, unslottable, plain };
}

export function formatSummary(report: CorpusReport, s: Summary): string {
  const lines = [
    `tests: ${s.total} (x3 modes: node, baton fresh, baton with every slot replaced = ${s.runs} runs) in ${(report.ms / 1000).toFixed(1)} s on ${report.workers} workers`,
    `node meets test262's expectation: ${s.nodePasses} / ${s.total}`,
    `identical outcome in all three modes: ${s.identical} / ${s.total}; differing: ${s.differing}`,
    `slot form: ${s.slots} functions behind slots (replaced-mode swaps: ${s.swapped}); ${s.unslottable} tests stay wholly plain (direct eval)`,
    `plain functions: ${Object.entries(s.plain).map(([k, v]) => `${v} ${k}`).join('; ') || 'none'}`,
  ];
  lines.push(`workers: ${report.retirements} replaced after a test changed a built-in for good; ${report.hangs} killed for hanging; ${report.crashes} crashed`);
  return lines.join('\n');
}

export function formatDifferences(diffs: readonly Difference[]): string {
  return diffs
    .map((d) => `  ${d.path} [${d.mode}]\n      node:  ${d.node}${d.nodeMessage ? `  (${d.nodeMessage})` : ''}\n      baton: ${d.baton}${d.batonMessage ? `  (${d.batonMessage})` : ''}`)
    .join('\n');
}
