// `npm run bench` (and `npm run bench -- --quick`): runs every bench script
// that writes bench/results, one after another, then writes BENCHMARKS.md from
// the sections they wrote in this run, with a Targets summary compiled from
// their json files.
//   --quick          passed through to every script
//   --only a,b       run only these scripts (the others' sections are left out)
//   --assemble-only  run nothing; rebuild BENCHMARKS.md from the results on disk
//                    (with --only: just those), each section dated by its own json
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/process.js';
import { QUICK, RESULTS, table } from './lib/report.js';

const ORDER = ['kv-overhead', 'micro-overhead', 'throughput', 'patch-pause', 'reload-pause', 'plan-time', 'kv-pause', 'handoff', 'availability', 'chaos', 'memory', 'effort', 'demo'];
const ASSEMBLE_ONLY = process.argv.includes('--assemble-only');
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg >= 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',')) : undefined;

interface RunRecord {
  name: string;
  ran: boolean;
  code: number | null;
  seconds: number;
  wroteResults: boolean;
}

function run(script: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit', cwd: ROOT });
    child.on('close', (code) => resolve(code));
  });
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

const started = Date.now();
const records: RunRecord[] = [];
const available = ORDER.filter((n) => existsSync(join(ROOT, 'dist', 'bench', `${n}.js`)));
if (!ASSEMBLE_ONLY) {
  for (const name of available) {
    if (ONLY && !ONLY.has(name)) continue;
    console.log(`\n=== ${name}${QUICK ? ' --quick' : ''} ===`);
    const t0 = Date.now();
    const code = await run(join(ROOT, 'dist', 'bench', `${name}.js`), QUICK ? ['--quick'] : []);
    const wroteResults = mtime(join(RESULTS, `${name}.md`)) >= t0 && mtime(join(RESULTS, `${name}.json`)) >= t0;
    records.push({ name, ran: true, code, seconds: (Date.now() - t0) / 1000, wroteResults });
    console.log(`=== ${name}: exit ${code}, ${((Date.now() - t0) / 1000).toFixed(0)} s${wroteResults ? '' : ', wrote no results'} ===`);
  }
}

// Sections: in ORDER, then any other results file, alphabetically. Without
// --assemble-only only the sections written in this run are used.
const onDisk = existsSync(RESULTS) ? readdirSync(RESULTS).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)) : [];
const names = [...ORDER.filter((n) => onDisk.includes(n)), ...onDisk.filter((n) => !ORDER.includes(n)).sort()];
const fresh = (n: string) => (ASSEMBLE_ONLY ? !ONLY || ONLY.has(n) : records.some((r) => r.name === n && r.wroteResults));
const sections = names.filter(fresh);

interface TargetRow {
  from: string;
  target: string;
  measured: string;
  met: string;
}
const targets: TargetRow[] = [];
const when: Record<string, string> = {};
for (const n of sections) {
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(readFileSync(join(RESULTS, `${n}.json`), 'utf8')) as Record<string, unknown>;
  } catch {
    continue;
  }
  const date = (json['measuredAt'] ?? json['date']) as string | undefined;
  const mode = json['quick'] === true || json['mode'] === 'quick' ? 'quick' : 'full';
  const code = json['code'] as { commit: string; uncommittedSrc: string[] } | undefined;
  const at = code ? `, code at ${code.commit}${code.uncommittedSrc.length > 0 ? ` plus uncommitted changes to ${code.uncommittedSrc.length} file(s) under src/ (listed in bench/results/${n}.json)` : ''}` : ', code version not recorded';
  when[n] = `${date ?? 'undated'}, ${mode} mode${at}`;
  if (Array.isArray(json['targets'])) {
    for (const t of json['targets'] as Array<{ target: string; measured: string; met: boolean }>) targets.push({ from: n, target: t.target, measured: t.measured, met: t.met ? 'met' : 'missed' });
  } else {
    // Scripts that keep their target as a field and their verdict as the section's **Result:** line.
    const key = Object.keys(json).find((k) => /target/i.test(k));
    if (!key) continue;
    const md = readFileSync(join(RESULTS, `${n}.md`), 'utf8');
    const verdict = /\*\*Result:\*\*\s*(.+)/.exec(md)?.[1]?.trim() ?? '';
    const bad = /\bmissed\b|\bnot met\b|\bbut not\b|\bfails?\b/i.test(verdict);
    const good = /\bmet\b|\bpass(es|ed)?\b/i.test(verdict);
    const met = bad && good ? 'partly (see measured)' : bad ? 'missed' : good ? 'met' : 'see section';
    targets.push({ from: n, target: `${key} = ${JSON.stringify(json[key])}`, measured: verdict || 'see section', met });
  }
}

const list = cpus();
const date = new Date().toISOString();
const lines: string[] = [];
lines.push('# baton benchmarks', '');
lines.push(`Generated by \`node dist/bench/run-all.js${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\` on ${date}${ASSEMBLE_ONLY ? ' from the results already on disk (each section dated below)' : ` in ${((Date.now() - started) / 60000).toFixed(1)} min`}.`, '');
lines.push('## Machine', '');
lines.push(table(['', ''], [
  ['CPUs', `${list.length} x ${list[0]?.model ?? 'unknown'}`],
  ['memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
  ['Node.js', process.version],
  ['platform', `${process.platform} ${process.arch}`],
  ['load average at the end (1/5/15 min)', loadavg().map((l) => l.toFixed(2)).join(' / ')],
]), '');
lines.push('Load generators (redis-benchmark, ioredis, autocannon) run on the same machine as the server under test and share its CPUs.', '');
lines.push('## How to rerun', '', '```sh', 'npm run bench              # full mode', 'npm run bench -- --quick   # quick mode, for CI-sized machines', '```', '');
lines.push('Each section below gives the command that reruns it alone.', '');
if (records.length > 0) {
  lines.push('## Scripts in this run', '');
  lines.push(table(['script', 'exit', 'seconds', 'results'], records.map((r) => [r.name, String(r.code), r.seconds.toFixed(0), r.wroteResults ? 'written' : 'none written: not reported below'])), '');
}
lines.push('## Targets', '');
lines.push(targets.length > 0 ? table(['from', 'target', 'measured', 'met'], targets.map((t) => [t.from, t.target, t.measured, t.met])) : 'No script in this run reported a target.', '');
lines.push('## Results', '');
for (const n of sections) {
  lines.push(`_${n}: measured ${when[n] ?? 'undated'}_`, '');
  lines.push(readFileSync(join(RESULTS, `${n}.md`), 'utf8').trim(), '');
}
writeFileSync(join(ROOT, 'BENCHMARKS.md'), `${lines.join('\n')}\n`);
console.log(`\nwrote BENCHMARKS.md: ${sections.length} sections (${sections.join(', ')}), ${targets.length} targets`);
const failed = records.filter((r) => r.code !== 0);
if (failed.length > 0) {
  console.log(`scripts that exited non-zero: ${failed.map((r) => `${r.name} (${r.code})`).join(', ')}`);
  process.exitCode = 1;
}
