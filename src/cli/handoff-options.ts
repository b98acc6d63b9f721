import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BatonError } from '../protocol/errors.js';
import type { Request, RollbackHandoff } from '../protocol/messages.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** `baton update --handoff`'s options, checked here so a mistake changes nothing in the program. */
export function handoffRequest(
  dir: string,
  o: { dryRun: boolean; timeoutMs: number; node: string | undefined; ready: string | undefined; grace: string | undefined },
): Extract<Request, { type: 'handoff' }> {
  const graceMs = o.grace === undefined ? 2000 : graceOf(o.grace);
  const request: Extract<Request, { type: 'handoff' }> = { type: 'handoff', dir, dryRun: o.dryRun, timeoutMs: o.timeoutMs, graceMs };
  return { ...request, ...(o.node === undefined ? {} : { node: nodeBinary(o.node) }), ...(o.ready === undefined ? {} : { ready: readiness(o.ready) }) };
}

/**
 * `baton rollback`'s options for when the rollback is a hand-off back (the
 * program decides: its previous version ran in an earlier process); unset,
 * the readiness check and grace period are those of the hand-off that left
 * the previous version.
 */
export function rollbackHandoff(o: { timeoutMs: number; ready: string | undefined; grace: string | undefined }): RollbackHandoff {
  return { timeoutMs: o.timeoutMs, ...(o.grace === undefined ? {} : { graceMs: graceOf(o.grace) }), ...(o.ready === undefined ? {} : { ready: readiness(o.ready) }) };
}

function graceOf(grace: string): number {
  const graceMs = Number(grace);
  if (grace.trim() === '' || !Number.isFinite(graceMs) || graceMs < 0) throw new BatonError('E_USAGE', `--grace must be a number of milliseconds, not '${grace}'`, 'e.g. --grace 3000');
  return graceMs;
}

function nodeBinary(path: string): string {
  const full = resolve(path);
  if (!existsSync(full) || !statSync(full).isFile()) throw new BatonError('E_USAGE', `--node ${path} is not a file`, 'give the path of a node executable, e.g. --node ~/.nvm/versions/node/v22.12.0/bin/node');
  try {
    accessSync(full, constants.X_OK);
  } catch {
    throw new BatonError('E_USAGE', `--node ${path} is not executable`, `make it executable (chmod +x ${path}) or give another node binary`);
  }
  return full;
}

function readiness(ready: string): string {
  // The program calls ready() from 'baton-dsu' (program/handoff/ready-call.ts).
  if (ready === 'call') return ready;
  const tcp = /^tcp:(\d+)$/.exec(ready);
  if (tcp) {
    const port = Number(tcp[1]);
    if (port >= 1 && port <= 65535) return ready;
  }
  let url: URL | undefined;
  try {
    url = new URL(ready);
  } catch {
    url = undefined;
  }
  if (url && url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return url.href;
  throw new BatonError('E_USAGE', `--ready ${ready} is not tcp:PORT, an http:// URL on loopback, or call`, "e.g. --ready tcp:6380, --ready http://127.0.0.1:8080/health, or --ready call (the program calls ready() from 'baton-dsu')");
}
