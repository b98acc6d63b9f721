import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModuleGraph } from '../../src/program/runner/module-graph.js';
import { preparePatch, commitPatch } from '../../src/program/update/patch.js';
import { readCell } from '../../src/program/runner/slot-table.js';
import { CORPUS_DIR, readTest, type CorpusTest } from './selection.js';
import { snapshotIntrinsics, type Snapshot } from './intrinsics.js';

/**
 * One worker process of the conformance corpus (forked by runner.ts with
 * `--conformance-worker`; imported without it, as `node --test dist/test/`
 * does, it does nothing).
 *
 * Every test becomes one module file: a hook call, the harness, the test:
 *
 *     globalThis.__conformance_hook();
 *     <assert.js> <sta.js> [doneprintHandle.js] <includes...>
 *     [globalThis.$DONE = $DONE;]      (async tests)
 *     <the test, verbatim>
 *
 * and runs three times, each time from the same file:
 *   node      import() of the file: Node's own ESM loader;
 *   fresh     baton's runner (ModuleGraph.loadEntry): the slot form;
 *   replaced  the same, but the hook (the module's first statement, run
 *             after its bodies are installed and before any harness or test
 *             code) recompiles every body of every module in the graph from
 *             source in the module's scope (preparePatch with every = true)
 *             and commits it, checking that every cell now holds a new body.
 *             All the test's code then runs on recompiled bodies.
 * The hook is a no-op call in the other two modes, so the three see the
 * same text. Outcome: `pass`, or `<phase>:<constructor name of the thrown
 * value>` where phase is `early` (nothing ran: a parse or link error) or
 * `runtime`; async tests (flags: [async]) add `async:<name>` from $DONE.
 */

export type Mode = 'node' | 'fresh' | 'replaced';
export const MODES: readonly Mode[] = ['node', 'fresh', 'replaced'];

export interface ModeResult {
  readonly outcome: string;
  /** First line of the error message (informational: not compared). */
  readonly message?: string;
  readonly ms: number;
}

export interface SlotStats {
  /** Functions in slot form across the test's modules. */
  readonly slots: number;
  /** Functions left plain, by reason. */
  readonly plain: Record<string, number>;
  /** Set when the module stayed wholly plain (direct eval). */
  readonly unslottable?: string;
  /** Cells the replaced mode swapped (equals `slots` when it reached the test). */
  readonly swapped?: number;
}

export interface WorkItem {
  readonly path: string;
  readonly modes: readonly Mode[];
}

export type WorkerMessage =
  | { type: 'begin'; path: string; mode: Mode }
  | { type: 'result'; path: string; mode: Mode; result: ModeResult; stats?: SlotStats }
  /** A test changed a built-in for good (a non-configurable property): this process cannot host another run. */
  | { type: 'retire'; path: string; mode: Mode }
  | { type: 'done' };

const ASYNC_TIMEOUT_MS = 5000;
const HOOK = 'globalThis.__conformance_hook();\n';

const harnessCache = new Map<string, string>();
function harness(name: string): string {
  let text = harnessCache.get(name);
  if (text === undefined) harnessCache.set(name, (text = readFileSync(join(CORPUS_DIR, 'harness', name), 'utf8')));
  return text;
}

export function moduleSource(test: CorpusTest): string {
  const names = ['assert.js', 'sta.js'];
  if (test.meta.flags.includes('async')) names.push('doneprintHandle.js');
  for (const inc of test.meta.includes) if (!names.includes(inc)) names.push(inc);
  // test262 hosts run the harness as scripts, so $DONE is a global (asyncHelpers.js checks for it).
  const globals = test.meta.flags.includes('async') ? 'globalThis.$DONE = $DONE;\n' : '';
  return HOOK + names.map(harness).join('\n') + '\n' + globals + test.source;
}

interface Run {
  entered: boolean;
  hookError?: unknown;
  stats?: SlotStats;
  done?: string;
  onDone?: () => void;
  uncaught: string[];
}

let current: Run | undefined;

function nameOf(value: unknown): string {
  if (value === null) return 'throw:null';
  if (typeof value !== 'object' && typeof value !== 'function') return `throw:${typeof value}`;
  try {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor;
    const name = typeof ctor === 'function' ? ctor.name : undefined;
    return typeof name === 'string' && name ? name : 'Object';
  } catch {
    return 'Object';
  }
}

function messageOf(value: unknown): string {
  try {
    if (value && typeof value === 'object' && 'message' in value) return String((value as { message: unknown }).message).split('\n')[0]!.slice(0, 300);
    return String(value).split('\n')[0]!.slice(0, 300);
  } catch {
    return '?';
  }
}

const TIMEOUT = Symbol('timeout');
// Captured before any test runs: tests poison Promise.prototype.then, array iteration (Promise.race), timers...
const promiseThen = Promise.prototype.then;
const PromiseCtor = Promise;
const applyFn = Reflect.apply;
const setTimer = setTimeout;
const clearTimer = clearTimeout;
/** `promise`, or TIMEOUT after `ms`; uses no built-in a test can have changed. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  return new PromiseCtor((resolve, reject) => {
    const timer = setTimer(() => resolve(TIMEOUT), ms);
    applyFn(promiseThen, promise, [
      (v: T) => {
        clearTimer(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimer(timer);
        reject(e);
      },
    ]);
  });
}

/** The replaced mode's hook: every body of every module in the graph, recompiled and swapped in. */
function replaceEverySlot(graph: ModuleGraph): number {
  let swapped = 0;
  for (const record of graph.records.values()) {
    const instance = record.current;
    const cells = instance.compiled.slots.map((s) => s.cell);
    const before = cells.map((c) => readCell(c));
    const prepared = preparePatch(record.id, instance, instance.compiled, true);
    if (prepared.swaps.length !== cells.length) throw new Error(`preparePatch(every) recompiled ${prepared.swaps.length} of ${cells.length} bodies`);
    commitPatch(prepared);
    cells.forEach((cell, i) => {
      const now = readCell(cell);
      if (typeof now !== 'function' || now === before[i]) throw new Error(`cell ${cell} was not replaced by a new body`);
    });
    swapped += prepared.swaps.length;
  }
  return swapped;
}

function statsOf(graph: ModuleGraph, swapped: number | undefined): SlotStats {
  let slots = 0;
  const plain: Record<string, number> = {};
  let unslottable: string | undefined;
  for (const record of graph.records.values()) {
    const c = record.current.compiled;
    slots += c.slots.length;
    for (const p of c.plain) plain[p.reason] = (plain[p.reason] ?? 0) + 1;
    if (c.unslottable) unslottable = c.unslottable.construct;
  }
  return { slots, plain, ...(unslottable ? { unslottable } : {}), ...(swapped !== undefined ? { swapped } : {}) };
}

/**
 * Runs one mode. `restore` puts the built-ins back; it is called as soon as
 * the test has finished (before this host looks at the outcome), so what a
 * test did to the built-ins cannot break the bookkeeping.
 */
export async function runMode(mode: Mode, file: string, isAsync: boolean, restore: () => void): Promise<{ result: ModeResult; stats?: SlotStats }> {
  const run: Run = { entered: false, uncaught: [] };
  current = run;
  const g = globalThis as Record<string, unknown>;
  let graph: ModuleGraph | undefined;
  g['__conformance_hook'] = () => {
    run.entered = true;
    if (mode === 'node') return;
    // Counted here, while the graph holds the module (a module that throws is dropped from it).
    if (mode === 'fresh') {
      run.stats = statsOf(graph!, undefined);
      return;
    }
    try {
      run.stats = statsOf(graph!, replaceEverySlot(graph!));
    } catch (error) {
      run.stats = statsOf(graph!, 0);
      run.hookError = error;
      throw error;
    }
  };
  const donePromise = new Promise<void>((resolve) => (run.onDone = resolve));
  g['print'] = (msg: unknown) => {
    const text = String(msg);
    if (text.startsWith('Test262:AsyncTest') && run.done === undefined) {
      run.done = text;
      run.onDone!();
    }
  };
  const t0 = performance.now();
  let error: unknown;
  let failed = false;
  try {
    let evaluation: Promise<unknown>;
    if (mode === 'node') {
      evaluation = import(pathToFileURL(file).href);
    } else {
      graph = new ModuleGraph(dirname(file));
      evaluation = graph.loadEntry(file);
    }
    if ((await within(evaluation, ASYNC_TIMEOUT_MS)) === TIMEOUT) {
      failed = true;
      error = TIMEOUT;
    }
  } catch (e) {
    failed = true;
    error = e;
  }
  if (!failed && isAsync && run.done === undefined) await within(donePromise, ASYNC_TIMEOUT_MS);
  current = undefined;
  restore();
  let outcome: string;
  let message: string | undefined;
  if (run.hookError !== undefined) {
    outcome = `baton:patch-failed:${nameOf(run.hookError)}`;
    message = messageOf(run.hookError);
  } else if (failed && error === TIMEOUT) {
    outcome = 'timeout:evaluation';
  } else if (failed) {
    const batonCode = error instanceof Error && error.name === 'BatonError' ? (error as Error & { code?: string }).code : undefined;
    if (batonCode === 'E_COMPILE' && !run.entered) {
      // baton refused to compile the module: its counterpart of a parse error.
      outcome = 'early:SyntaxError';
    } else if (batonCode) {
      outcome = `baton:${batonCode}`;
    } else {
      outcome = `${run.entered ? 'runtime' : 'early'}:${nameOf(error)}`;
    }
    message = messageOf(error);
  } else if (isAsync) {
    if (run.done === undefined) outcome = 'timeout:$DONE';
    else if (run.done === 'Test262:AsyncTestComplete') outcome = 'pass';
    else {
      const rest = run.done.slice('Test262:AsyncTestFailure:'.length);
      outcome = `async:${rest.split(':')[0]}`;
      message = rest.slice(0, 300);
    }
  } else {
    outcome = 'pass';
  }
  if (run.uncaught.length > 0) outcome += ` +uncaught:${run.uncaught.join(',')}`;
  const result: ModeResult = { outcome, ...(message !== undefined ? { message } : {}), ms: performance.now() - t0 };
  return { result, ...(run.stats ? { stats: run.stats } : {}) };
}

async function main(): Promise<void> {
  // Under the runner's directory (removed by the runner even when this process is killed).
  const parent = process.argv[process.argv.indexOf('--conformance-worker') + 1] ?? tmpdir();
  const root = mkdtempSync(join(parent, 'worker-'));
  // .js files are ES modules for Node's loader too.
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  process.on('uncaughtException', (error) => {
    current?.uncaught.push(nameOf(error));
  });
  process.on('unhandledRejection', () => {
    // test262 does not fail a test on an unhandled rejection; neither does this host.
  });
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  const snapshot: Snapshot = snapshotIntrinsics();
  const send = (m: WorkerMessage) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
  const items = await new Promise<WorkItem[]>((resolve) => process.once('message', (m) => resolve(m as WorkItem[])));
  let n = 0;
  for (const item of items) {
    const test = readTest(item.path);
    const dir = join(root, String(n++));
    mkdirSync(dir);
    const file = join(dir, basename(item.path));
    writeFileSync(file, moduleSource(test));
    for (const mode of item.modes) {
      await send({ type: 'begin', path: item.path, mode });
      let outcome: { result: ModeResult; stats?: SlotStats };
      let unrestored = 0;
      try {
        outcome = await runMode(mode, file, test.meta.flags.includes('async'), () => (unrestored = snapshot.restore()));
      } catch (error) {
        unrestored = snapshot.restore();
        outcome = { result: { outcome: `worker-error:${nameOf(error)}`, message: messageOf(error), ms: 0 } };
      }
      const { result, stats } = outcome;
      await send({ type: 'result', path: item.path, mode, result, ...(stats ? { stats } : {}) });
      if (unrestored > 0) {
        await send({ type: 'retire', path: item.path, mode });
        process.exit(0);
      }
    }
  }
  await send({ type: 'done' });
  process.exit(0);
}

if (process.argv.includes("--conformance-worker")) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
