// The long chaos run (test/chaos.test.ts runs a short one): examples/kv under
// continuous ioredis load whose every answer is checked against a model,
// through a seeded random sequence of updates, rollbacks and failing updates
// of every kind (test/helpers/chaos.ts lists them). After every step the
// keyspace is compared with the model, the process must be alive and run the
// version the model expects. Reports steps, each kind's count, requests,
// failed requests, keys lost, and the heap after the first 10 steps against
// the heap at the end (heapUsed as the program reports it, no gc forced).
//
//   node dist/bench/chaos.js [--quick] [--seed N] [--steps N]
import { runChaos } from '../test/helpers/chaos.js';
import { fmt, mdTable, QUICK, writeResults } from './lib/bench-util.js';

const NAME = 'chaos';
const arg = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const STEPS = Number(arg('--steps') ?? (QUICK ? 100 : 500));
const SEED = Number(arg('--seed') ?? 20261127);

const result = await runChaos({ seed: SEED, steps: STEPS, log: (line) => console.log(line) });
const mib = (b: number) => `${fmt(b / 2 ** 20, 1)} MiB`;
const rows: string[][] = [
  ['steps', String(result.steps)],
  ...Object.entries(result.counts).map(([kind, n]) => [`  ${kind}`, String(n)]),
  ['requests (each answer checked against the model)', result.requests.toLocaleString('en-US')],
  ['failed requests', String(result.failed)],
  ['keys lost (checked after every step)', String(result.keysLost)],
  ['steps with a wrong outcome or version', String(result.wrongOutcomes)],
  ['heap over the first 10 steps (lowest)', mib(result.heapAfter10)],
  ['heap over the last 10 steps (lowest)', `${mib(result.heapFinal)} (${fmt(result.heapFinal / result.heapAfter10, 2)}x)`],
  ['final version', result.finalVersion],
  ['wall time', `${fmt(result.seconds / 60, 1)} min`],
];
const clean = result.problems.length === 0 && result.failed === 0 && result.keysLost === 0 && result.wrongOutcomes === 0;
const verdict = clean
  ? `${result.steps} steps, ${result.requests.toLocaleString('en-US')} requests: 0 failed, 0 keys lost, every failing update refused or aborted with its expected code.`
  : `fails: ${result.failed} failed requests, ${result.keysLost} keys lost, ${result.problems.length} problems (first: ${result.problems[0] ?? ''}).`;
writeResults(
  NAME,
  {
    title: `Chaos: ${result.steps} random updates, rollbacks and failing updates under verified load (seed ${SEED})`,
    command: `npx tsc -p tsconfig.json && node dist/bench/chaos.js${QUICK ? ' --quick' : ''} --seed ${SEED}`,
    table: mdTable(['', ''], rows),
    verdict,
    notes: ['examples/kv v1-v5 with 4 ioredis clients (SET/GET/DEL on keys each client owns, plus 200 keys that stay), every answer compared with a model; the load pauses only while the keyspace is compared after each step. Failing updates use --timeout 2500 ms. Heap is `heapUsed` as the program reports it over the control channel after each step, without a forced gc: the lowest reading of each window of 10 steps.'],
  },
  { seed: SEED, ...result, problems: result.problems.slice(0, 50) },
);
console.log(`\n${verdict}`);
if (!clean) process.exitCode = 1;
