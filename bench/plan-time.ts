// Wall time of `baton diff` and `baton check` (each a fresh CLI process, as a
// developer runs them) on the largest example (examples/kv v3 -> v4, target
// 1 s) and on a generated 1,000-module program with a one-module change
// (target 2 s). `node -e ''` run alternately gives the process start-up
// floor. The CPU time of each process (user + system, from /usr/bin/time when
// the machine has it) is printed beside the wall time: on a shared machine
// the wall time mostly measures the other tenants.
//
//   node dist/bench/plan-time.js [--quick]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT } from './lib/process.js';
import { benchEnv, fmt, mdTable, QUICK, runProcess, stats, tempDir, writeResults, writeTree } from './lib/bench-util.js';

const NAME = 'plan-time';
const REPS = (generated: boolean) => (QUICK ? (generated ? 1 : 2) : 5);
const TARGET_MS = { kv: 1000, generated: 2000 };
const MODULES = 1000;
const TIME = '/usr/bin/time';

/** One fresh CLI process: wall time, and CPU time when /usr/bin/time is there to tell it. */
async function timed(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; ms: number; cpuMs: number | undefined }> {
  if (!existsSync(TIME)) return { ...(await runProcess(process.execPath, args, env)), cpuMs: undefined };
  const r = await runProcess(TIME, ['-f', 'baton-cpu %U %S', process.execPath, ...args], env);
  const m = /baton-cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { ...r, stderr: m ? r.stderr.slice(0, m.index) : r.stderr, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined };
}

function generate(): { v1: string; v2: string } {
  const root = tempDir('plan');
  const files = (version: 1 | 2): Record<string, string> => {
    const out: Record<string, string> = {};
    for (let k = 0; k < MODULES; k++) {
      const dep = k > 0 ? `import { f${k >> 1}, type Rec${k >> 1} } from './m${k >> 1}.js';\n` : '';
      const body = k === 7 && version === 2 ? `return { id: x, name: 'v2-' + x };` : `return { id: x, name: 'n' + x };`;
      out[`mods/m${k}.ts`] =
        `${dep}export interface Rec${k} { id: number; name: string }\n` +
        `export const table${k} = new Map<string, Rec${k}>();\n` +
        `export function f${k}(x: number): Rec${k} {\n  ${body}\n}\n` +
        `export function g${k}(x: number): number {\n  return ${k > 0 ? `f${k >> 1}(x).id` : 'x'} * 2;\n}\n` +
        (k > 0 ? `export function h${k}(r: Rec${k >> 1}): string {\n  return r.name;\n}\n` : '');
    }
    out['main.ts'] = `${Array.from({ length: MODULES }, (_, k) => `import * as m${k} from './mods/m${k}.js';`).join('\n')}\nexport function all() {\n  return [${Array.from({ length: MODULES }, (_, k) => `m${k}`).join(', ')}];\n}\n`;
    out['tsconfig.json'] = JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [] } });
    return out;
  };
  writeTree(join(root, 'v1'), files(1));
  writeTree(join(root, 'v2'), files(2));
  return { v1: join(root, 'v1'), v2: join(root, 'v2') };
}

async function main(): Promise<void> {
  const gen = generate();
  const env = benchEnv('plan');
  const cases = [
    { label: 'examples/kv v3 -> v4', oldDir: join(ROOT, 'examples/kv/v3'), newDir: join(ROOT, 'examples/kv/v4'), targetMs: TARGET_MS.kv },
    { label: `generated ${MODULES.toLocaleString('en-US')} modules, one changed`, oldDir: gen.v1, newDir: gen.v2, targetMs: TARGET_MS.generated },
  ];
  console.log(`plan time (${QUICK ? 'quick' : 'full'}): ${REPS(false)} (kv) / ${REPS(true)} (generated) runs each of baton diff / check, alternating, with node start-up as floor`);
  const results: Array<{ label: string; command: string; targetMs: number; ms: number[]; cpuMs: number[]; codes: number[]; summary: string; phases: string }> = [];
  const floor: number[] = [];
  for (const c of cases) {
    for (const command of ['diff', 'check'] as const) {
      const ms: number[] = [];
      const cpuMs: number[] = [];
      const codes: number[] = [];
      let summary = '';
      let phases = '';
      for (let i = 0; i < REPS(c.oldDir === gen.v1); i++) {
        const r = await timed([BIN, command, c.oldDir, c.newDir, '--json'], env);
        ms.push(r.ms);
        if (r.cpuMs !== undefined) cpuMs.push(r.cpuMs);
        codes.push(r.code ?? -1);
        if (i === 0) {
          try {
            const out = JSON.parse(r.stdout) as { modules?: Array<{ mechanism?: string; kind?: string; change?: string }>; kind?: string; problems?: unknown[]; timings?: Record<string, number>; ms?: number };
            // Inside the process: compiled-code comparison and the two programs (concurrent), then types; check adds its diagnostics.
            const t = out.timings;
            phases = t ? `modules ${t.modulesMs}, programs ${t.programsMs}, types ${t.typesMs}, plan ${t.totalMs}${out.ms !== undefined ? `, check ${out.ms}` : ''}` : '';
            const mods = out.modules ?? [];
            const kinds = mods.map((m) => m.mechanism ?? m.kind ?? m.change ?? '?');
            const counted = [...new Set(kinds)].map((k) => `${kinds.filter((x) => x === k).length} ${k}`).join(', ');
            summary = command === 'diff' ? `exit ${r.code}; ${mods.length} module entries (${counted})` : `exit ${r.code}; ${out.kind ?? ''}${out.problems ? `, ${out.problems.length} problem(s)` : ''}${out.problems?.length ? `: ${JSON.stringify(out.problems[0]).slice(0, 300)}` : ''}`;
          } catch {
            summary = `exit ${r.code}; ${(r.stdout + r.stderr).slice(0, 120).replace(/\n/g, ' ')}`;
          }
        }
        floor.push((await runProcess(process.execPath, ['-e', ''], env)).ms);
      }
      results.push({ label: c.label, command, targetMs: c.targetMs, ms, cpuMs, codes, summary, phases });
      const cpu = cpuMs.length ? `, cpu ${fmt(stats(cpuMs).median, 0)} ms` : '';
      console.log(`  baton ${command.padEnd(5)} ${c.label.padEnd(36)} median ${fmt(stats(ms).median, 0)} ms, p90 ${fmt(stats(ms).p90, 0)} ms${cpu} (target ${c.targetMs} ms; first run in-process ms: ${phases}) (${summary})`);
    }
  }
  console.log(`  node -e '' start-up floor median ${fmt(stats(floor).median, 0)} ms`);
  const rows = [
    ...results.map((r) => [`baton ${r.command}`, r.label, String(r.ms.length), fmt(stats(r.ms).median, 0), fmt(stats(r.ms).p90, 0), r.cpuMs.length ? fmt(stats(r.cpuMs).median, 0) : '-', String(r.targetMs), r.phases, r.summary]),
    ["node -e ''", 'process start-up floor', String(floor.length), fmt(stats(floor).median, 0), fmt(stats(floor).p90, 0), '-', '', '', ''],
  ];
  const table = mdTable(['command', 'program', 'runs', 'wall ms median', 'wall ms p90', 'cpu ms median', 'target ms', 'in-process ms (first run)', 'outcome'], rows);
  const verdicts = results.map((r) => {
    const med = stats(r.ms).median;
    return `${r.command} ${r.label}: ${fmt(med, 0)} ms (${med <= r.targetMs ? 'met' : `missed by ${fmt(med - r.targetMs, 0)} ms`})`;
  });
  const met = results.every((r) => stats(r.ms).median <= r.targetMs);
  const verdict = `Targets (kv ${TARGET_MS.kv} ms, ${MODULES.toLocaleString('en-US')} modules ${TARGET_MS.generated} ms, wall median) ${met ? 'met' : 'missed'}: ${verdicts.join('; ')}.`;
  const notes = ['Each figure is the wall time of a fresh `node bin/baton.js <diff|check> <old> <new> --json` process (start-up included). The generated program has 1,000 modules, each importing one other and exporting an interface, a Map binding and three functions; v2 changes one function body in mods/m7.ts.'];
  writeResults(NAME, { title: 'Plan time: baton diff / check', command: `npx tsc -p tsconfig.json && node dist/bench/plan-time.js${QUICK ? ' --quick' : ''}`, table, verdict, notes }, { targetMs: TARGET_MS, results, nodeStartupMs: floor });
  console.log(`\n${verdict}`);
}

await main();
