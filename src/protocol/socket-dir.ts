import { lstatSync, mkdirSync, readlinkSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { BatonError } from './errors.js';

/** The user baton runs as: sockets and their directory must belong to this uid. */
export function currentUid(): number {
  return process.getuid?.() ?? 0;
}

/**
 * Where control sockets live: a directory only this user can enter, so only
 * this user can reach (and update) their programs. $XDG_RUNTIME_DIR is
 * preferred (per user, mode 0700, cleared at logout); a shared /tmp is the
 * fallback, where another user may have planted the name first, so the
 * directory is checked with lstat and never repaired: a symlink, another
 * owner or an open mode is refused, and nothing is chmodded or followed.
 */
export function socketDir(): string {
  const uid = currentUid();
  const explicit = process.env['BATON_SOCKET_DIR'];
  const runtime = process.env['XDG_RUNTIME_DIR'];
  // The XDG spec says to ignore a relative $XDG_RUNTIME_DIR.
  const base = runtime && isAbsolute(runtime) ? runtime : tmpdir();
  const dir = explicit ? resolve(explicit) : join(base, `baton-${uid}`);
  ensurePrivateDir(dir, uid);
  return dir;
}

export function socketPathFor(pid: number): string {
  return join(socketDir(), `${pid}.sock`);
}

const FIX_HINT = 'remove it if it is yours to remove, or set BATON_SOCKET_DIR to a directory only you can enter (mkdir -m 700)';

function ensurePrivateDir(dir: string, uid: number): void {
  try {
    // Parents of an explicit BATON_SOCKET_DIR may not exist yet; the default's parent always does.
    mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') {
      throw new BatonError('E_SOCKET_DIR', `cannot create the control directory ${dir}: ${(error as Error).message}`, 'set BATON_SOCKET_DIR to a writable directory only you can enter');
    }
  }
  const st = lstatSync(dir);
  const problem = problemWith(dir, st, uid);
  if (problem) throw new BatonError('E_SOCKET_DIR', `the control directory ${dir} ${problem}; baton will not use it`, FIX_HINT);
}

function problemWith(dir: string, st: Stats, uid: number): string | undefined {
  if (st.isSymbolicLink()) return `is a symbolic link (to ${readlinkSync(dir)}), not a directory`;
  if (!st.isDirectory()) return 'is not a directory';
  if (st.uid !== uid) return `belongs to uid ${st.uid}, not to you (uid ${uid})`;
  if ((st.mode & 0o077) !== 0) return `is open to other users (mode ${(st.mode & 0o777).toString(8)}, must be 700)`;
  return undefined;
}

/**
 * Why `path` is not a control socket this user may talk to, or undefined
 * when it is one. lstat: a symlink is not a socket.
 */
export function socketProblem(st: Stats, uid = currentUid()): { code: 'E_NOT_A_SOCKET' | 'E_NOT_OWNER'; what: string } | undefined {
  if (!st.isSocket()) return { code: 'E_NOT_A_SOCKET', what: `is ${kindOf(st)}, not a control socket` };
  if (st.uid !== uid) return { code: 'E_NOT_OWNER', what: `belongs to uid ${st.uid}, not to you (uid ${uid})` };
  return undefined;
}

function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFile()) return 'a regular file';
  if (st.isFIFO()) return 'a FIFO';
  return 'not a socket';
}
