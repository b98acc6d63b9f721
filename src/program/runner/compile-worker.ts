import { parentPort } from 'node:worker_threads';
import { toErrorData } from '../../protocol/errors.js';
import { compileModule } from './compile.js';
import { outlineSkeleton } from '../../compare/skeleton-outline.js';

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

/** Skeletons to outline for an update's comparison (compile-pool.ts, outlineOffThread). */
interface OutlineRequest {
  readonly id: number;
  readonly outline: readonly string[];
}

const outlined = (skeleton: string) => {
  try {
    return outlineSkeleton(skeleton);
  } catch {
    return undefined;
  }
};

parentPort?.on('message', (request: Request | OutlineRequest) => {
  if ('outline' in request) {
    parentPort?.postMessage({ id: request.id, outlines: request.outline.map(outlined) });
    return;
  }
  compileModule(request.source, request.file, request.scope, request.external).then(
    (compiled) => parentPort?.postMessage({ id: request.id, compiled }),
    (error: unknown) => parentPort?.postMessage({ id: request.id, error: toErrorData(error) }),
  );
});
