import { parentPort } from 'node:worker_threads';
import { toErrorData } from '../../protocol/errors.js';
import { compileModule } from './compile.js';
import { OFF_THREAD_TASKS } from './off-thread-tasks.js';

/**
 * The compiler on a thread of its own (see compile-pool.ts): esbuild, acorn,
 * eslint-scope and magic-string take tens of milliseconds per module, which
 * on the program's thread would be a pause of that length in prepare.
 */
interface Request {
  readonly id: number;
  readonly source: string;
  readonly file: string;
  readonly scope: string;
  readonly external: readonly string[];
}

/** One of the update's other tasks (off-thread-tasks.ts, compile-pool.ts `runOffThread`). */
interface TaskRequest {
  readonly id: number;
  readonly task: keyof typeof OFF_THREAD_TASKS;
  readonly input: unknown;
}

parentPort?.on('message', (request: Request | TaskRequest) => {
  if ('task' in request) {
    const run = OFF_THREAD_TASKS[request.task] as (input: unknown) => unknown;
    Promise.resolve()
      .then(() => run(request.input))
      .then(
        (result) => parentPort?.postMessage({ id: request.id, result }),
        (error: unknown) => parentPort?.postMessage({ id: request.id, error: toErrorData(error) }),
      );
    return;
  }
  compileModule(request.source, request.file, request.scope, request.external).then(
    (compiled) => parentPort?.postMessage({ id: request.id, compiled }),
    (error: unknown) => parentPort?.postMessage({ id: request.id, error: toErrorData(error) }),
  );
});
