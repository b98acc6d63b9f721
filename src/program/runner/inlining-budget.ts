import { setFlagsFromString } from 'node:v8';

/**
 * V8's inlining budget, scaled for the slot form. Every call of an app
 * function is two functions in the slot form (the stub, 10-15 bytes of
 * bytecode, then the body), and TurboFan charges both against one
 * optimized function's budget (`--max-inlined-bytecode-size-cumulative`,
 * 920 bytes of inlined bytecode, and `-absolute`, 4,600, on V8 11 to 13). A hot function that
 * calls many small methods ran out of it: on the class-heavy
 * micro-benchmark each part alone ran at 0.6-1.0 of node, the whole at 0.3,
 * and the methods left out were called, their objects no longer removed by
 * escape analysis. Three times the budget brought it to 0.95-1.05 of node
 * (load under 1.5). The flag helps plain node too, less: the same program
 * under node with it ran at 1.28 of node (the control column of
 * bench/micro-overhead.ts and BENCHMARKS.md), so part of the gain is the flag
 * itself, and against that control baton is at 0.74-0.79. The flags are read by each optimization, so setting
 * them before the program's first module runs covers all of its code.
 */
const SCALE = 3;
const CUMULATIVE = 920;
const ABSOLUTE = 4600;

let scaled = false;

/** Not when the process was started with an inlining flag of its own: the user's choice stands. */
export function scaleInliningBudget(): void {
  if (scaled) return;
  scaled = true;
  const given = [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].some((arg) => /max-inlined|max_inlined/.test(arg));
  if (given) return;
  for (const flag of inliningFlags()) setFlagsFromString(flag);
}

/** The flags, also what the micro-benchmark gives its control node process (node with the same budget). */
export function inliningFlags(): string[] {
  return [`--max-inlined-bytecode-size-cumulative=${CUMULATIVE * SCALE}`, `--max-inlined-bytecode-size-absolute=${ABSOLUTE * SCALE}`];
}
