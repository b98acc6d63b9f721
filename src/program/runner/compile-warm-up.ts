import { dirname, join } from 'node:path';
import { compileOffThread, runOffThread, startCompilePool } from './compile-pool.js';

/**
 * How long after the program's start-up the compile thread is started: late
 * enough that the program's own start-up (its listen callbacks, its first
 * requests) is not slowed by a thread loading a compiler beside it, early
 * enough to be ready for an update made soon after.
 */
const WARM_AFTER_MS = 1000;

/**
 * A small module with what the compiler and the comparison meet in real
 * ones (a class with fields and methods, a closure, an async function, an
 * import), compiled once so that esbuild's process, acorn and the slot form
 * are loaded and have run before the first update asks for them.
 */
const SAMPLE = `import { join } from 'node:path';
export class Sample {
  count = 0;
  constructor(public name: string) {}
  label(): string { return join(this.name, String(this.count)); }
  get size(): number { return this.count; }
}
export const limits = { max: 10, names: ['a', 'b'] };
export async function later(x: number): Promise<number> { return x + limits.max; }
export const counter = () => { let n = 0; return () => ++n; };
`;

/**
 * Starts the compile thread at an idle moment after start-up and has it
 * compile and outline a sample module once. A first update otherwise paid
 * for all of it while it prepared: in a CPU profile of bench/reload-pause's
 * program, the thread's start and first compiles took about 1 s of CPU
 * (profiler included) beside the program's thread, on a machine of 2 cores.
 * Nothing here runs on the program's thread but posting two messages; the
 * timer is unref'd (a program that finishes first exits as it would), and
 * a failure here is left to the first update, which starts the thread again.
 */
export function warmCompilerLater(entry: string): void {
  const timer = setTimeout(() => {
    startCompilePool();
    const file = join(dirname(entry), '__baton_warm_up__.ts');
    compileOffThread(SAMPLE, file, '__baton_warm_up__@0').then(
      (compiled) => runOffThread('outline', [compiled.skeleton]),
      () => undefined,
    ).catch(() => undefined);
  }, WARM_AFTER_MS);
  timer.unref();
}
