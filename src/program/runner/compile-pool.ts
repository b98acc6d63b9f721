import { Worker } from 'node:worker_threads';
import { BatonError, type ErrorData } from '../../protocol/errors.js';
import type { CompiledModule } from './compile.js';
import type { OffThreadTasks } from './off-thread-tasks.js';

/**
 * Compiles modules of a new version off the program's thread, so prepare
 * blocks the event loop only for what must run there (evaluating new bodies
 * in their module's scope, staging new instances). One worker, started on
 * the first update, unref'd (it never keeps a finished program alive) and
 * stopped after a quiet spell.
 */
const IDLE_MS = idleMs(process.env['BATON_COMPILER_IDLE_MS']);

/** `BATON_COMPILER_IDLE_MS` sets the quiet spell (0 stops the worker after every compile: the tests' race); 30 s by default. */
function idleMs(setting: string | undefined): number {
  const ms = setting === undefined || setting === '' ? NaN : Number(setting);
  return Number.isFinite(ms) && ms >= 0 ? ms : 30_000;
}

let worker: Worker | undefined;
let idle: NodeJS.Timeout | undefined;
let nextId = 0;
const pending = new Map<number, { readonly worker: Worker; resolve(value: unknown): void; reject(e: Error): void }>();

function ensureWorker(): Worker {
  if (idle) clearTimeout(idle);
  if (worker) return worker;
  const w = new Worker(new URL('./compile-worker.js', import.meta.url));
  w.unref();
  w.on('message', (reply: { id: number; compiled?: CompiledModule; result?: unknown; error?: ErrorData }) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.compiled) waiter.resolve(reply.compiled);
    else if ('result' in reply) waiter.resolve(reply.result);
    else waiter.reject(new BatonError(reply.error?.code ?? 'E_INTERNAL', reply.error?.message ?? 'the compiler failed', reply.error?.hint));
    if (pending.size === 0) scheduleStop();
  });
  w.on('error', (error) => failAll(w, error));
  // A worker stopped for idleness may exit after a new one took requests: only its own fail.
  w.on('exit', () => {
    if (worker === w) worker = undefined;
    failAll(w, new Error('the compiler thread stopped'));
  });
  worker = w;
  return w;
}

function scheduleStop(): void {
  idle = setTimeout(() => {
    const w = worker;
    worker = undefined;
    void w?.terminate();
  }, IDLE_MS);
  idle.unref();
}

function failAll(w: Worker, error: Error): void {
  for (const [id, waiter] of pending) {
    if (waiter.worker !== w) continue;
    pending.delete(id);
    waiter.reject(error);
  }
}

export function compileOffThread(source: string, file: string, scope: string, external: readonly string[] = []): Promise<CompiledModule> {
  return ask<CompiledModule>({ source, file, scope, external });
}

/** One of the other tasks the worker does for an update (off-thread-tasks.ts). */
export function runOffThread<K extends keyof OffThreadTasks>(task: K, input: Parameters<OffThreadTasks[K]>[0]): Promise<Awaited<ReturnType<OffThreadTasks[K]>>> {
  return ask({ task, input });
}

/**
 * Starts the worker ahead of an update, so that the first update does not
 * pay for its start (a thread, and esbuild, acorn and baton's compiler
 * loaded into it) while it prepares. It stops after the usual quiet spell.
 */
export function startCompilePool(): void {
  ensureWorker();
  if (pending.size === 0) scheduleStop();
}

function ask<T>(request: object): Promise<T> {
  const w = ensureWorker();
  const id = ++nextId;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { worker: w, resolve: resolve as (value: unknown) => void, reject });
    w.postMessage({ id, ...request });
  });
}
