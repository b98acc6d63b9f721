// Micro-benchmarks for the slot form's hot paths: a closure-heavy and a
// class-heavy TypeScript program (generated into a temp dir), each served
// under `baton run` and, bundled by esbuild, under plain node (and, as a
// control, under node with the inlining budget baton sets); ops/s of a
// timed loop inside the program, the processes driven in turn.
// Measured fresh and again after 100 patches of the baton process that
// alternate between the program and a variant with other bodies for the
// functions the loop runs most (ending on the original code).
//   closures: counters and adders made by factories (captured variables
//             read, and reassigned: the slot form passes those in a box
//             or an accessor object), composition, memoization, array callbacks,
//             listeners pushed in a loop
//   classes:  many instances, a 3-level hierarchy with super calls in
//             methods and getters, getters and setters, static factories
//
//   node dist/bench/micro-overhead.js [--quick]
import { join } from 'node:path';
import { alternate, mechanisms, openControl, update } from './lib/control.js';
import { benchEnv, getJson, tempDir, writeTree } from './lib/bench-util.js';
import { BIN, freePort, median, startServer, stopServer } from './lib/process.js';
import { fmt, int, loadNote, printTable, QUICK, rerunCommand, table, writeResults, type Target } from './lib/report.js';
import { bundleForNode } from './lib/variants.js';
import { inliningFlags } from '../src/program/runner/inlining-budget.js';

const NAME = 'micro-overhead';
const ROUNDS = QUICK ? 5 : 9;
const RUN_MS = QUICK ? 1000 : 2000;
const PATCHES = 100;
const TARGET = 0.99;

/** `v` selects one of two bodies that compute the same thing (1: as written, 2: the patched variant). */
type Source = (v: 1 | 2) => Record<string, string>;

const SERVER = `import { createServer } from 'node:http';
import { check, runFor } from './work.js';
const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
runFor(200);
createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const body = url.pathname === '/check' ? { check: check() } : runFor(Number(url.searchParams.get('ms') ?? 1000));
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}).listen(port, '127.0.0.1', () => console.log('listening ' + port));
`;

const RUN_FOR = `
/** Ops per second of wall time, and per second of the process's CPU time (what other work on the machine leaves out). */
export function runFor(ms: number): { opsPerSec: number; opsPerCpuSec: number } {
  let i = 0;
  let sink = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const until = started + ms;
  while (performance.now() < until) for (let j = 0; j < 500; j++) sink = (sink + op(i++)) | 0;
  if (sink === 0.5) console.log(sink);
  const used = process.cpuUsage(cpu);
  return { opsPerSec: i / ((performance.now() - started) / 1000), opsPerCpuSec: i / ((used.user + used.system) / 1e6) };
}
/** A fixed input's result: the same in both versions and under node. */
export function check(): number {
  let s = 0;
  for (let i = 0; i < 1000; i++) s = (s + op(i)) | 0;
  return s;
}
`;

const closures: Source = (v) => ({
  'counter.ts': `export interface Counter {
  inc(): number;
  add(n: number): number;
  get(): number;
}
/** A counter whose state lives in captured variables, two of them reassigned. */
export function makeCounter(start: number): Counter {
  let count = start;
  let calls = 0;
  const step = (start & 3) + 1;
  return {
    inc: () => {
      calls++;
      count += step;
      return count;
    },
    add: (n: number) => {
      calls++;
      ${v === 1 ? 'count += n;' : 'count = count + n;'}
      return count;
    },
    get: () => count + calls,
  };
}
`,
  'fn.ts': `export function adder(n: number): (x: number) => number {
  return (x) => x + n;
}
export function compose(f: (x: number) => number, g: (x: number) => number): (x: number) => number {
  return (x) => f(g(x));
}
export function memo(fn: (x: number) => number): (x: number) => number {
  const cache = new Map<number, number>();
  let hits = 0;
  return (x) => {
    const hit = cache.get(x);
    if (hit !== undefined) {
      hits++;
      return hit;
    }
    const value = fn(x) + (hits & 0);
    cache.set(x, value);
    if (cache.size > 64) cache.clear();
    return value;
  };
}
`,
  'work.ts': `import { makeCounter } from './counter.js';
import { adder, compose, memo } from './fn.js';

const square = memo((x) => x * x);

export function op(i: number): number {
  const c = makeCounter(i & 255);
  const f = compose(adder(i & 7), (x) => ${v === 1 ? 'x * 3' : '3 * x'});
  let acc = 0;
  for (let k = 0; k < 16; k++) acc += f(c.inc());
  acc += c.add(i & 31);
  const xs = [i & 15, (i >> 4) & 15, (i >> 8) & 15, 3, 5];
  acc += xs.map((x) => x + acc).filter((x) => (x & 1) === 0).reduce((a, b) => a + b, 0);
  let total = 0;
  const listeners: Array<(v: number) => void> = [];
  for (let k = 0; k < 4; k++) listeners.push((v) => { total += v * k; });
  for (const l of listeners) l(acc & 1023);
  return (acc + c.get() + total + square(i & 63)) | 0;
}
${RUN_FOR}`,
  'main.ts': SERVER,
});

const classes: Source = (v) => ({
  'shapes.ts': `export abstract class Shape {
  static made = 0;
  constructor(readonly id: number) {
    Shape.made++;
  }
  abstract area(): number;
  get kind(): string {
    return 'shape';
  }
  describe(): number {
    return this.area() + this.kind.length;
  }
}
export class Rect extends Shape {
  constructor(id: number, readonly w: number, readonly h: number) {
    super(id);
  }
  area(): number {
    return ${v === 1 ? 'this.w * this.h' : 'this.h * this.w'};
  }
  override get kind(): string {
    return 'rect';
  }
  override describe(): number {
    return super.describe() + 1;
  }
}
export class Square extends Rect {
  constructor(id: number, side: number) {
    super(id, side, side);
  }
  override get kind(): string {
    return 'square:' + super.kind;
  }
  override describe(): number {
    return super.describe() * 2;
  }
}
export class Circle extends Shape {
  constructor(id: number, readonly r: number) {
    super(id);
  }
  area(): number {
    return 3 * this.r * this.r;
  }
}
`,
  'vec.ts': `export class Vec {
  constructor(public x: number, public y: number) {}
  static zero(): Vec {
    return new Vec(0, 0);
  }
  add(o: Vec): Vec {
    return new Vec(this.x + o.x, this.y + o.y);
  }
  scale(k: number): Vec {
    return new Vec(this.x * k, this.y * k);
  }
  get len2(): number {
    return ${v === 1 ? 'this.x * this.x + this.y * this.y' : 'this.y * this.y + this.x * this.x'};
  }
  set both(value: number) {
    this.x = value;
    this.y = value;
  }
}
`,
  'account.ts': `export class Account {
  protected balance = 0;
  deposit(n: number): void {
    this.balance += n;
  }
  get value(): number {
    return this.balance;
  }
}
export class Savings extends Account {
  rate = 2;
  override deposit(n: number): void {
    super.deposit(n + this.rate);
  }
  override get value(): number {
    return super.value + 1;
  }
}
`,
  'work.ts': `import { Circle, Rect, Shape, Square } from './shapes.js';
import { Vec } from './vec.js';
import { Savings } from './account.js';

export function op(i: number): number {
  const shapes: Shape[] = [new Rect(i, i & 7, 3), new Square(i, i & 5), new Circle(i, i & 3)];
  let acc = 0;
  for (const s of shapes) acc += s.describe() + s.area();
  let p = Vec.zero();
  for (let k = 0; k < 8; k++) p = p.add(new Vec(k, i & 15)).scale(1);
  acc += p.len2;
  p.both = i & 3;
  acc += p.x;
  const a = new Savings();
  for (let k = 0; k < 4; k++) a.deposit(k);
  return (acc + a.value) | 0;
}
${RUN_FOR}`,
  'main.ts': SERVER,
});

interface Program {
  id: 'closures' | 'classes';
  label: string;
  source: Source;
}
const PROGRAMS: Program[] = [
  { id: 'closures', label: 'closure-heavy', source: closures },
  { id: 'classes', label: 'class-heavy', source: classes },
];

// `budget`: a control, node running the same bundle with the inlining budget baton sets in its program's process
// (runner/inlining-budget.ts), to show what the flags alone do to plain code.
type Runtime = 'baton' | 'node' | 'budget';
const RUNTIMES: readonly Runtime[] = ['baton', 'node', 'budget'];
type Phase = 'fresh' | 'patched';
const PHASE_LABEL: Record<Phase, string> = { fresh: 'fresh', patched: `after ${PATCHES} patches` };

interface Run {
  program: Program['id'];
  phase: Phase;
  round: number;
  runtime: Runtime;
  opsPerSec: number;
  opsPerCpuSec: number;
}

const env = benchEnv('micro');
const runs: Run[] = [];
const patchInfo: Record<string, { expect: string; functions: string; pauseMs: number[] }> = {};
console.log(`micro-overhead (${QUICK ? 'quick' : 'full'}): ${ROUNDS} alternating ${RUN_MS} ms rounds per phase, ${PATCHES} patches between the phases`);
for (const program of PROGRAMS) {
  const root = tempDir(`micro-${program.id}`);
  const v1 = join(root, 'v1');
  const v2 = join(root, 'v2');
  writeTree(v1, program.source(1));
  writeTree(v2, program.source(2));
  const bundle = await bundleForNode(join(v1, 'main.ts'), join(root, 'bundle.mjs'));
  const [bPort, nPort] = [await freePort(), await freePort()];
  const baton = await startServer([BIN, 'run', '--name', `micro-${program.id}-${process.pid}`, join(v1, 'main.ts'), '--', '--port', String(bPort)], /listening/, env);
  const node = await startServer([bundle, '--port', String(nPort)], /listening/, env);
  const cPort = await freePort();
  const budgetNode = await startServer([...inliningFlags(), bundle, '--port', String(cPort)], /listening/, env);
  const port: Record<Runtime, number> = { baton: bPort, node: nPort, budget: cPort };
  try {
    const expected = (await getJson<{ check: number }>(nPort, '/check')).check;
    const check = async (when: string) => {
      const got = (await getJson<{ check: number }>(bPort, '/check')).check;
      if (got !== expected) throw new Error(`${program.id} ${when}: baton computes ${got}, node ${expected}`);
    };
    await check('fresh');
    for (const phase of ['fresh', 'patched'] as const) {
      if (phase === 'patched') {
        const control = await openControl(baton.pid!, env);
        try {
          // What one patch touches, then the other 99 checked against it.
          const first = await update(control, v2);
          const expect = mechanisms(first);
          if (!/^[\w.]+:patch(,[\w.]+:patch)*$/.test(expect)) throw new Error(`${program.id}: the variant is not a patch: ${expect}`);
          const functions = first.modules.map((m) => `${m.id}: ${m.functions.map((f) => f.name).join(', ')}`).join('; ');
          await check('after one patch');
          const rest = await alternate(control, [v2, v1], PATCHES - 1, expect);
          patchInfo[program.id] = { expect, functions, pauseMs: [first.timing.pauseMs, ...rest.pauseMs] };
          console.log(`  ${program.id}: ${PATCHES} patches (${expect}), pauseMs median ${fmt(median(rest.pauseMs))}`);
        } finally {
          control.close();
        }
        await check(`after ${PATCHES} patches`);
        for (const rt of RUNTIMES) await getJson(port[rt], `/run?ms=${RUN_MS}`); // warm-up again
      } else {
        for (const rt of RUNTIMES) await getJson(port[rt], `/run?ms=${RUN_MS}`); // warm-up
      }
      for (let round = 0; round < ROUNDS; round++) {
        const order: Runtime[] = RUNTIMES.map((_, k) => RUNTIMES[(k + round) % RUNTIMES.length]!);
        for (const rt of order) {
          const { opsPerSec, opsPerCpuSec } = await getJson<{ opsPerSec: number; opsPerCpuSec: number }>(port[rt], `/run?ms=${RUN_MS}`);
          runs.push({ program: program.id, phase, round, runtime: rt, opsPerSec, opsPerCpuSec });
        }
        const at = (rt: Runtime) => runs.find((r) => r.program === program.id && r.phase === phase && r.round === round && r.runtime === rt)!.opsPerSec;
        const cpuAt = (rt: Runtime) => runs.find((r) => r.program === program.id && r.phase === phase && r.round === round && r.runtime === rt)!.opsPerCpuSec;
        console.log(`  ${program.id} ${PHASE_LABEL[phase]} round ${round + 1}: baton ${int(at('baton'))} ops/s, node ${int(at('node'))} ops/s, ratio ${fmt(at('baton') / at('node'), 3)}; by CPU time ${fmt(cpuAt('baton') / cpuAt('node'), 3)}; node with baton's inlining budget ${int(at('budget'))} ops/s (${fmt(at('budget') / at('node'), 3)} of node)`);
      }
    }
  } finally {
    await stopServer(baton);
    await stopServer(node);
    await stopServer(budgetNode);
  }
}

const rows: string[][] = [];
const ratios: Record<string, number> = {};
const cpuRatios: Record<string, number> = {};
for (const program of PROGRAMS) {
  for (const phase of ['fresh', 'patched'] as const) {
    const of = (rt: Runtime) => runs.filter((r) => r.program === program.id && r.phase === phase && r.runtime === rt);
    const b = of('baton');
    const n = of('node');
    const c = of('budget');
    const perRound = b.map((r) => r.opsPerSec / n.find((x) => x.round === r.round)!.opsPerSec);
    const ratio = median(perRound);
    ratios[`${program.label}, ${PHASE_LABEL[phase]}`] = ratio;
    const perRoundCpu = b.map((r) => r.opsPerCpuSec / n.find((x) => x.round === r.round)!.opsPerCpuSec);
    cpuRatios[`${program.label}, ${PHASE_LABEL[phase]}`] = median(perRoundCpu);
    rows.push([
      program.label,
      PHASE_LABEL[phase],
      int(median(b.map((r) => r.opsPerSec))),
      int(median(n.map((r) => r.opsPerSec))),
      fmt(ratio, 3),
      `${fmt(Math.min(...perRound), 3)}–${fmt(Math.max(...perRound), 3)}`,
      fmt(median(perRoundCpu), 3),
      `${fmt(Math.min(...perRoundCpu), 3)}–${fmt(Math.max(...perRoundCpu), 3)}`,
      fmt(median(c.map((r) => r.opsPerSec / n.find((x) => x.round === r.round)!.opsPerSec)), 3),
      fmt(median(b.map((r) => r.opsPerSec / c.find((x) => x.round === r.round)!.opsPerSec)), 3),
    ]);
  }
}
const header = ['program', 'baton process', 'baton ops/s (median)', 'node ops/s (median)', 'ratio baton/node (median of rounds)', 'ratio range', 'ratio by CPU time (median of rounds)', 'CPU-time ratio range', "control: node with baton's inlining budget / node", "baton / that control"];
console.log('\nmicro-benchmarks');
printTable(header, rows);
const all = Object.entries(ratios).sort((a, b) => a[1] - b[1]);
const below = all.filter(([, r]) => r < TARGET);
const worst = all[0]!;
const targets: Target[] = [{ target: `throughput ratio baton/node >= ${TARGET}: closure-heavy and class-heavy micro-benchmarks, fresh and after ${PATCHES} patches`, measured: `lowest median ratio ${fmt(worst[1], 3)} (${worst[0]}); ${below.length} of ${all.length} below ${TARGET}`, met: below.length === 0 }];
const md = `### Micro-benchmarks: closures and classes under \`baton run\` against plain Node.js, fresh and after ${PATCHES} patches

\`\`\`sh
${rerunCommand(NAME)}
\`\`\`

Two small generated TypeScript programs (the sources are in bench/micro-overhead.ts), each served under \`baton run\` and, bundled by esbuild
(\`--bundle --platform=node --format=esm\`), under \`node\`; \`GET /run?ms=${RUN_MS}\` runs a timed loop of \`op(i)\` in the program and returns ops/s.
A third process, the control, runs the same bundle under \`node ${inliningFlags().join(' ')}\`: the inlining budget baton sets in its
program's process (each call is a stub and a body there, both charged to V8's budget: src/program/runner/inlining-budget.ts), to show what
the flags alone do to plain code; the target is read against plain \`node\`.
The processes are driven in turn (order rotated each round), ${ROUNDS} rounds per phase, ratio per round, median reported; each round also
reports ops per second of the process's own CPU time (\`process.cpuUsage\`, all its threads), which other work on the shared cores leaves out
(the target is read on the wall-clock ratio, as before); before the first and
after the patches each process runs one untimed round. Both processes compute the same checksum over 1,000 ops, checked fresh, after one patch and after the last.
*closure-heavy*: per op a counter object of three arrow closures over \`let\` variables that two of them reassign, a composition of an adder and an arrow,
16 calls through it, \`map\`/\`filter\`/\`reduce\` with arrows reading a captured \`let\`, four listeners pushed in a loop (each capturing the loop variable
and reassigning an outer \`let\`), a memoized function. *class-heavy*: per op three instances of a 3-level hierarchy (\`Shape\` -> \`Rect\` -> \`Square\`, and \`Circle\`)
whose methods and getters call \`super.describe()\` / \`super.kind\`, eight \`Vec\` instances through methods, a getter and a setter, a static factory,
and a \`Savings extends Account\` whose overriding method and getter call \`super\`.
*after ${PATCHES} patches*: the same processes after ${PATCHES} updates of the baton process (the control-channel request \`baton update --no-check\` sends),
alternating with a variant whose hot bodies are written differently (${PROGRAMS.map((p) => `${p.label}: ${patchInfo[p.id]?.functions ?? '?'}`).join('; ')}), ending on the original code;
patch pause median ${PROGRAMS.map((p) => `${p.label} ${fmt(median(patchInfo[p.id]?.pauseMs ?? []))} ms`).join(', ')}.
${loadNote()}

${table(header, rows)}

${below.length === 0 ? `Target met: every median ratio is at least ${TARGET} (lowest ${fmt(worst[1], 3)}, ${worst[0]}).` : `Target missed: ${below.map(([n, r]) => `${n}: ${fmt(r, 3)}`).join('; ')}.`} By CPU time: ${Object.entries(cpuRatios).map(([n, r]) => `${n} ${fmt(r, 3)}`).join('; ')}.
`;
writeResults(NAME, md, { rounds: ROUNDS, runMs: RUN_MS, patches: PATCHES, runs, ratios, cpuRatios, patchInfo, targets });
