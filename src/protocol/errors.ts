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
  | 'E_NOT_LIVE'
  | 'E_ASYNC_TRANSFORMER'
  | 'E_TIMEOUT'
  | 'E_PREPARE'
  | 'E_UPDATE_FILE'
  | 'E_FRAMES_IN_FLIGHT'
  | 'E_DEPENDENCY_CHANGED'
  /** The control directory is not a private directory of this user (a symlink, another owner, open mode). */
  | 'E_SOCKET_DIR'
  /** A target path that is not a socket (a regular file, a directory). */
  | 'E_NOT_A_SOCKET'
  /** A control socket that belongs to another user: baton never talks to it. */
  | 'E_NOT_OWNER'
  /** A program that did not answer in time (blocked in synchronous work, or stopped). */
  | 'E_NO_ANSWER'
  /** The operating system refused access to a path (EACCES, EPERM). */
  | 'E_ACCESS'
  /** The file system failed a read or write (read-only, full, a directory where a file was expected, ...). */
  | 'E_FS'
  /** A source file that is not valid UTF-8. */
  | 'E_ENCODING'
  /** A symbolic link in a version directory that leads outside it. */
  | 'E_LINK_OUTSIDE'
  /** State a hand-off cannot move to another process (a closure, a handle, a Proxy, ...), named with module and binding. */
  | 'E_HANDOFF_STATE'
  /** The new process of a hand-off failed to start, or exited before it served. */
  | 'E_HANDOFF_START'
  /** The new process of a hand-off did not pass its readiness check in time. */
  | 'E_HANDOFF_NOT_READY'
  /** The new process of a hand-off exited during the grace period. */
  | 'E_HANDOFF_CRASHED'
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
  const system = systemErrorData(error);
  if (system) return system;
  const e = error instanceof Error ? error : new Error(String(error));
  return e.stack === undefined
    ? { code: 'E_INTERNAL', message: e.message }
    : { code: 'E_INTERNAL', message: e.message, stack: e.stack };
}

/** What Node says a failed system call did, and the hint for each errno a user can cause and fix. */
const SYSTEM_ERRORS: Readonly<Record<string, { readonly code: ErrorCode; readonly what: string; readonly hint: string }>> = {
  EACCES: { code: 'E_ACCESS', what: 'permission denied', hint: 'check the owner and mode of that path; baton runs with your user\'s rights' },
  EPERM: { code: 'E_ACCESS', what: 'operation not permitted', hint: 'check the owner and mode of that path; baton runs with your user\'s rights' },
  EROFS: { code: 'E_FS', what: 'read-only file system', hint: 'point baton at a writable place (BATON_SOCKET_DIR for control sockets)' },
  ENOSPC: { code: 'E_FS', what: 'no space left on device', hint: 'free some space, then run the command again' },
  EDQUOT: { code: 'E_FS', what: 'disk quota exceeded', hint: 'free some space, then run the command again' },
  EISDIR: { code: 'E_FS', what: 'is a directory', hint: 'give a file, not a directory' },
  ENOTDIR: { code: 'E_FS', what: 'not a directory', hint: 'a part of that path is a file; check the path' },
  ENOENT: { code: 'E_FS', what: 'no such file or directory', hint: 'check the path' },
  ELOOP: { code: 'E_FS', what: 'too many levels of symbolic links', hint: 'check the symbolic links on that path' },
  EMFILE: { code: 'E_FS', what: 'too many open files', hint: 'raise the open-file limit (ulimit -n) or close files' },
  ENFILE: { code: 'E_FS', what: 'too many open files in the system', hint: 'close files, then run the command again' },
  EIO: { code: 'E_FS', what: 'input/output error', hint: 'check the disk' },
};

/**
 * A failed system call is the user's environment speaking (a read-only
 * disk, another user's file), not a bug in baton: it gets a code, names
 * the path and shows no baton stack trace.
 */
function systemErrorData(error: unknown): ErrorData | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as NodeJS.ErrnoException;
  const known = typeof e.code === 'string' && typeof e.syscall === 'string' ? SYSTEM_ERRORS[e.code] : undefined;
  if (!known) return undefined;
  const path = e.path === undefined ? '' : ` ${e.path}`;
  return { code: known.code, message: `cannot ${e.syscall}${path}: ${known.what} (${e.code})`, hint: known.hint };
}

/**
 * Names the file a failed write was for: Node reports a failed write(2)
 * (ENOSPC, EIO) without a path, and "cannot write: no space left" does not
 * say where.
 */
export function withPath(error: unknown, path: string): unknown {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof Error && typeof e.syscall === 'string' && e.path === undefined) e.path = path;
  return error;
}
