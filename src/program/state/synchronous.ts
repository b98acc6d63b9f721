import { BatonError } from '../../protocol/errors.js';

/**
 * Transformers and the program hook run inside prepare and commit, which are
 * synchronous by design: a promise they return would settle after the commit
 * and write live state behind the update's back (and a rejection would crash
 * the program). Such a result aborts the update before commit.
 */
export function synchronousResult<T>(what: string, result: T): T {
  if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof (result as { then?: unknown }).then === 'function') {
    // Whatever it does later must not crash the program.
    Promise.resolve(result).catch(() => undefined);
    throw new BatonError('E_ASYNC_TRANSFORMER', `${what} returned a promise (is it async?)`, 'make it synchronous: transformers and the program hook run between prepare and commit, where nothing may wait');
  }
  return result;
}
