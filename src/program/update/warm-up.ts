import { dirname, join } from 'node:path';
import { compileOffThread, runOffThread, startCompilePool } from '../runner/compile-pool.js';
import { BATON_ENTRY } from '../runner/resolve.js';
import { programCompiler } from './precompiled.js';

/**
 * How long after the program's start-up the update path is warmed: late
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

const SAMPLE_UPDATE_FILE = `import { defineUpdate } from 'baton';
export default defineUpdate({ classes: { 'sample.ts': { Sample: { mode: 'lazy', fields: (old: { name: string }) => ({ name: old.name, count: 0 }) } } } });
`;

/**
 * What a first update would otherwise load while it prepares, loaded at an
 * idle moment after start-up: the compile thread, started and run once on a
 * sample (its start and first compiles took about 1 s of CPU, profiler
 * included, beside the program's thread in a CPU profile of
 * bench/reload-pause's program, on a machine of 2 cores), and baton's public
 * entry, which an update file imports (Node's loader reads and compiles it
 * on the program's thread), and the compiler's identity, which an update
 * with modules the CLI compiled needs (update/precompiled.ts). The timer is unref'd: a program that finishes
 * first exits as it would. A failure here is left to the first update,
 * which starts the thread again and reports its own errors.
 */
export function warmUpdatePathLater(entry: string): void {
  const timer = setTimeout(() => {
    startCompilePool();
    const file = join(dirname(entry), '__baton_warm_up__.ts');
    compileOffThread(SAMPLE, file, '__baton_warm_up__@0')
      .then((compiled) => Promise.all([runOffThread('outline', [compiled.skeleton]), runOffThread('scan-update-file', SAMPLE_UPDATE_FILE), programCompiler()]))
      .catch(() => undefined);
    import(BATON_ENTRY).catch(() => undefined);
  }, WARM_AFTER_MS);
  timer.unref();
}
