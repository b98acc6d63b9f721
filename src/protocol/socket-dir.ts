import { mkdirSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatonError } from './errors.js';

/**
 * Where control sockets live: a directory only this user can enter, so only
 * this user can reach (and update) their programs.
 */
export function socketDir(): string {
  const uid = process.getuid?.() ?? 0;
  const dir = process.env['BATON_SOCKET_DIR'] ?? join(process.env['XDG_RUNTIME_DIR'] ?? tmpdir(), `baton-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if (st.uid !== uid) {
    throw new BatonError('E_USAGE', `control directory ${dir} belongs to another user`, 'set BATON_SOCKET_DIR to a directory you own');
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return dir;
}

export function socketPathFor(pid: number): string {
  return join(socketDir(), `${pid}.sock`);
}
