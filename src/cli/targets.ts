import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BatonError } from '../protocol/errors.js';
import { ControlClient } from './client.js';
import type { ProgramInfo } from '../protocol/messages.js';
import { socketDir } from '../protocol/socket-dir.js';

/** Every running program of this user; sockets left by killed runs are removed on the way. */
export async function listPrograms(): Promise<ProgramInfo[]> {
  const dir = socketDir();
  const found: ProgramInfo[] = [];
  await Promise.all(
    readdirSync(dir)
      .filter((f) => f.endsWith('.sock'))
      .map(async (f) => {
        const path = join(dir, f);
        try {
          const client = await ControlClient.open(path, 1000);
          const body = await client.request({ type: 'info' });
          client.close();
          if (body.type === 'info') found.push(body.info);
        } catch (error) {
          if (error instanceof BatonError && error.code === 'E_TARGET_GONE' && !isAlive(Number.parseInt(f, 10))) {
            try {
              unlinkSync(path);
            } catch {
              // Already gone.
            }
          }
        }
      }),
  );
  return found.sort((a, b) => a.startedAt - b.startedAt);
}

/** A target is a name, a pid or a socket path. */
export async function resolveTarget(target: string): Promise<string> {
  if (target.includes('/')) return target;
  const programs = await listPrograms();
  const byPid = /^\d+$/.test(target) ? programs.filter((p) => p.pid === Number(target)) : [];
  const matches = byPid.length > 0 ? byPid : programs.filter((p) => p.name === target);
  if (matches.length === 0) {
    throw new BatonError('E_NO_TARGET', `no running program named or numbered '${target}'`, programs.length === 0 ? 'start one with `baton run <entry>`' : `running: ${programs.map((p) => `${p.name} (${p.pid})`).join(', ')}`);
  }
  if (matches.length > 1) {
    throw new BatonError('E_AMBIGUOUS_TARGET', `${matches.length} programs are named '${target}'`, `pick one by pid: ${matches.map((p) => p.pid).join(', ')}`);
  }
  return matches[0]!.socket;
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
