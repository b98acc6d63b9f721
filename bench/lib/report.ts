// Shared output helpers for the bench scripts: flags, result files
// (bench/results/<name>.md and .json), markdown tables, machine facts and a
// small hand-written SVG line chart (no chart dependency).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './process.js';

export const RESULTS = join(ROOT, 'bench', 'results');
export const QUICK = process.argv.includes('--quick');

/** One line of the Targets summary that run-all compiles from the json files. */
export interface Target {
  target: string;
  measured: string;
  met: boolean;
}

export function machine(): { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string; loadavg: number[] } {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model ?? 'unknown', memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, platform: `${process.platform} ${process.arch}`, loadavg: loadavg().map((l) => Math.round(l * 100) / 100) };
}

/**
 * The code a result was measured on: the commit, and the files under src/
 * that differed from it (the tree is shared with work in progress), read once
 * when the script starts.
 */
export function codeVersion(): { commit: string; uncommittedSrc: string[] } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' });
    return { commit, uncommittedSrc: status.split('\n').filter((l) => l.trim() !== '').map((l) => l.slice(3)) };
  } catch {
    return { commit: 'unknown', uncommittedSrc: [] };
  }
}
export const CODE_AT_START = codeVersion();

/** The load average when the script started, to judge how busy the machine was. */
export const LOAD_AT_START = loadavg().map((l) => Math.round(l * 100) / 100);

export function loadNote(): string {
  const now = loadavg().map((l) => Math.round(l * 100) / 100);
  return `Machine load average (1/5/15 min) at start ${LOAD_AT_START.join(' / ')}, at end ${now.join(' / ')}, on ${cpus().length} CPUs.`;
}

/** The exact command that reruns a script, as it was run. */
export function rerunCommand(name: string): string {
  return `npx tsc -p tsconfig.json && node dist/bench/${name}.js${QUICK ? ' --quick' : ''}`;
}

export function writeResults(name: string, markdown: string, json: Record<string, unknown>): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${name}.md`), markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify({ name, quick: QUICK, measuredAt: new Date().toISOString(), machine: machine(), ...json, code: CODE_AT_START }, null, 2)}\n`);
  console.log(`\nwrote bench/results/${name}.md and bench/results/${name}.json`);
}

export function writeSvg(name: string, svg: string): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${name}.svg`), svg);
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Prints a table to the console, columns aligned. */
export function printTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  for (const r of all) console.log(`  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`);
}

export function fmt(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '-';
  return n.toFixed(digits);
}

export function int(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it (p99 of 100 values: the 99th). */
export function nearestRank(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function max(values: readonly number[]): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** VmRSS of a process in MiB, from /proc (Linux), or NaN. */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export interface Series {
  label: string;
  points: Array<{ x: number; y: number }>;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd'];

/** A line chart with a log10 x axis and a log10 or linear y axis, as SVG text. */
export function lineChart(opts: { title: string; xLabel: string; yLabel: string; series: Series[]; logY?: boolean }): string {
  const W = 720;
  const H = 420;
  const m = { l: 70, r: 190, t: 40, b: 55 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const pts = opts.series.flatMap((s) => s.points).filter((p) => p.x > 0 && Number.isFinite(p.y));
  const logY = opts.logY ?? false;
  const xs = pts.map((p) => Math.log10(p.x));
  const x0 = Math.floor(Math.min(...xs));
  const x1 = Math.ceil(Math.max(...xs));
  const ys = pts.map((p) => (logY ? Math.log10(Math.max(p.y, 1e-3)) : p.y));
  const y0 = logY ? Math.floor(Math.min(...ys)) : 0;
  let y1 = logY ? Math.ceil(Math.max(...ys)) : niceMax(Math.max(...ys));
  if (y1 <= y0) y1 = y0 + 1;
  const sx = (x: number) => m.l + ((Math.log10(x) - x0) / Math.max(1, x1 - x0)) * pw;
  const sy = (y: number) => m.t + ph - (((logY ? Math.log10(Math.max(y, 1e-3)) : y) - y0) / (y1 - y0)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(opts.title)}</text>`);
  for (let e = x0; e <= x1; e++) {
    const x = m.l + ((e - x0) / Math.max(1, x1 - x0)) * pw;
    out.push(`<line x1="${x}" y1="${m.t}" x2="${x}" y2="${m.t + ph}" stroke="#ddd"/>`);
    out.push(`<text x="${x}" y="${m.t + ph + 18}" text-anchor="middle">${esc(tick(10 ** e))}</text>`);
  }
  const yTicks = logY ? range(y0, y1).map((e) => 10 ** e) : range(0, 5).map((i) => (y1 * i) / 5);
  for (const v of yTicks) {
    const y = sy(v);
    out.push(`<line x1="${m.l}" y1="${y}" x2="${m.l + pw}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${m.l - 6}" y="${y + 4}" text-anchor="end">${esc(tick(v))}</text>`);
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  opts.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const p = s.points.filter((q) => q.x > 0 && Number.isFinite(q.y));
    if (p.length > 0) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${p.map((q) => `${sx(q.x).toFixed(1)},${sy(q.y).toFixed(1)}`).join(' ')}"/>`);
      for (const q of p) out.push(`<circle cx="${sx(q.x).toFixed(1)}" cy="${sy(q.y).toFixed(1)}" r="3.5" fill="${color}"><title>${esc(`${s.label}: ${tick(q.x)} -> ${q.y.toFixed(2)}`)}</title></circle>`);
    }
    const ly = m.t + 10 + i * 20;
    out.push(`<line x1="${m.l + pw + 15}" y1="${ly}" x2="${m.l + pw + 40}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${m.l + pw + 46}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function range(a: number, b: number): number[] {
  const r: number[] = [];
  for (let i = a; i <= b; i++) r.push(i);
  return r;
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const k of [1, 2, 2.5, 5, 10]) if (k * p >= v) return k * p;
  return 10 * p;
}

function tick(v: number): string {
  if (v >= 1e6 && Number.isInteger(v / 1e6)) return `${v / 1e6}M`;
  if (v >= 1e3 && Number.isInteger(v / 1e3)) return `${v / 1e3}k`;
  if (v >= 1 || v === 0) return String(Math.round(v * 100) / 100);
  return String(Number(v.toPrecision(2)));
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
