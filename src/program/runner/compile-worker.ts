import { parentPort } from 'node:worker_threads';
import { toErrorData } from '../../protocol/errors.js';
import { compileModule } from './compile.js';

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

parentPort?.on('message', (request: Request) => {
  compileModule(request.source, request.file, request.scope, request.external).then(
    (compiled) => parentPort?.postMessage({ id: request.id, compiled }),
    (error: unknown) => parentPort?.postMessage({ id: request.id, error: toErrorData(error) }),
  );
});
