/**
 * Every error a user can see carries a stable code and a next step. One
 * renderer (cli/render.ts) decides how they are printed.
 */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_COMPILE'
  | 'E_RESOLVE'
  | 'E_NO_TARGET'
  | 'E_TARGET_GONE'
  | 'E_AMBIGUOUS_TARGET'
  | 'E_BAD_DIR'
  | 'E_PROTOCOL'
  | 'E_BUSY'
  | 'E_NO_PREVIOUS'
  | 'E_CHECK_FAILED'
  | 'E_DECLINED'
  | 'E_NO_REVERSE'
  | 'E_UNSLOTTABLE'
  | 'E_ASYNC_TRANSFORMER'
  | 'E_TIMEOUT'
  | 'E_PREPARE'
  | 'E_INTERNAL'
  /** A file baton writes (a stub file) could not be written; the one there is left as it was. */
  | 'E_WRITE';

export class BatonError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the user should do next. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'BatonError';
  }
}

export interface ErrorData {
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint?: string;
  readonly stack?: string;
}

export function toErrorData(error: unknown): ErrorData {
  if (error instanceof BatonError) {
    return error.hint === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, hint: error.hint };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return e.stack === undefined
    ? { code: 'E_INTERNAL', message: e.message }
    : { code: 'E_INTERNAL', message: e.message, stack: e.stack };
}
