import type { ErrorData } from '../../protocol/errors.js';
import type { Restored } from './restore.js';

/**
 * The messages between the old process (parent) and the new one (child)
 * over Node's IPC channel; listening sockets and connections travel with
 * them as handles (`send(message, handle)`), the state on its own pipe.
 */
export type ToChild =
  /** With a listening handle: the new version's `listen` on `key` (host:port) adopts it. */
  | { readonly type: 'listen'; readonly key: string }
  /** With a raw accepted connection: the old process accepted it after it stopped serving. */
  | { readonly type: 'accepted'; readonly key: string }
  /** With a socket: an idle HTTP keep-alive connection of the server on `key`. */
  | { readonly type: 'idle'; readonly server: string }
  /** The state is in `file` (private to this user; the new process removes it once read). Then adopt the sockets and serve. */
  | { readonly type: 'state'; readonly file: string; readonly bytes: number; readonly from: string; readonly parentPid: number }
  /** The grace period is over: take the control name. */
  | { readonly type: 'commit' };

export type ToParent =
  | { readonly type: 'loaded' }
  | {
      readonly type: 'serving';
      readonly restored: Omit<Restored, 'history'>;
      readonly readMs: number;
      readonly restoreMs: number;
      /** Adopting the listening handles and recording the hand-off: install, not transfer. */
      readonly installMs: number;
      readonly hash: string;
      readonly node: string;
      readonly warnings: readonly string[];
    }
  | { readonly type: 'failed'; readonly error: ErrorData }
  /** The program called `ready()` from 'baton-dsu' (`--ready call`). */
  | { readonly type: 'ready' }
  | { readonly type: 'committed' };

export function isToParent(value: unknown): value is ToParent {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'loaded' || type === 'serving' || type === 'failed' || type === 'committed' || type === 'ready';
}

export function isToChild(value: unknown): value is ToChild {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'listen' || type === 'accepted' || type === 'idle' || type === 'state' || type === 'commit';
}
