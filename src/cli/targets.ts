import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BatonError, toErrorData, type ErrorData } from '../protocol/errors.js';
import { ControlClient } from './client.js';
import type { ProgramInfo } from '../protocol/messages.js';
import { socketDir, socketProblem } from '../protocol/socket-dir.js';

/** A program found in the control directory: its answer, or why it gave none. */
export type ListedProgram =
  | { readonly answering: true; readonly info: ProgramInfo }
  | { readonly answering: false; readonly pid: number; readonly socket: string; readonly error: ErrorData };

/**
 * Every running program of this user, asked all at once, each with a
 * deadline: one program blocked in synchronous work is marked, not waited
 * for. Sockets that killed runs left behind are removed on the way: only
 * sockets of this user whose process is gone, never any other file.
 */
export async function listPrograms(): Promise<ListedProgram[]> {
  const dir = socketDir();
  const listed = await Promise.all(
    readdirSync(dir)
      .filter((f) => f.endsWith('.sock') && isOwnSocket(join(dir, f)))
      .map(async (f): Promise<ListedProgram | undefined> => {
        const path = join(dir, f);
        const pid = Number.parseInt(f, 10);
        let client: ControlClient | undefined;
        try {
          client = await ControlClient.open(path);
          const body = await client.request({ type: 'info' });
          if (body.type === 'info') return { answering: true, info: body.info };
          throw new BatonError('E_PROTOCOL', 'unexpected answer to info', 'use the same baton version as the program');
        } catch (error) {
          if (error instanceof BatonError && error.code === 'E_TARGET_GONE' && !isAlive(pid)) {
            removeStale(path);
            return undefined;
          }
          return { answering: false, pid, socket: path, error: toErrorData(error) };
        } finally {
          client?.close();
        }
      }),
  );
  const found = listed.filter((p): p is ListedProgram => p !== undefined);
  return found.sort((a, b) => startOf(a) - startOf(b));
}

/** The programs that answered. */
export function answering(listed: readonly ListedProgram[]): ProgramInfo[] {
  return listed.flatMap((p) => (p.answering ? [p.info] : []));
}

/** A target is a name, a pid or a socket path. */
export async function resolveTarget(target: string): Promise<string> {
  if (target.includes('/')) return target;
  const listed = await listPrograms();
  const programs = answering(listed);
  const silent = listed.flatMap((p) => (p.answering ? [] : [p]));
  if (/^\d+$/.test(target)) {
    // A pid names its socket even when the program does not answer: the request then says so.
    const quiet = silent.find((p) => p.pid === Number(target));
    if (quiet) return quiet.socket;
  }
  const byPid = /^\d+$/.test(target) ? programs.filter((p) => p.pid === Number(target)) : [];
  const matches = byPid.length > 0 ? byPid : programs.filter((p) => p.name === target);
  if (matches.length === 0) {
    const hints = [
      programs.length === 0 ? 'start one with `baton run <entry>`' : `running: ${programs.map((p) => `${p.name} (${p.pid})`).join(', ')}`,
      ...(silent.length > 0 ? [`not answering (name unknown): pid ${silent.map((p) => p.pid).join(', ')}`] : []),
    ];
    throw new BatonError('E_NO_TARGET', `no running program named or numbered '${target}'`, hints.join('; '));
  }
  if (matches.length > 1) {
    throw new BatonError('E_AMBIGUOUS_TARGET', `${matches.length} programs are named '${target}'`, `pick one by pid: ${matches.map((p) => p.pid).join(', ')}`);
  }
  return matches[0]!.socket;
}

function startOf(p: ListedProgram): number {
  return p.answering ? p.info.startedAt : Number.MAX_SAFE_INTEGER;
}

function isOwnSocket(path: string): boolean {
  try {
    return socketProblem(lstatSync(path)) === undefined;
  } catch {
    return false;
  }
}

/** Unlinks a stale socket, checked again right before: never a file that took its place. */
function removeStale(path: string): void {
  try {
    if (isOwnSocket(path)) unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isFinite(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
