import type { UpdateOutcome } from '../apply/outcome.js';
import { ControlClient } from '../control/client.js';
import type { ProgramInfo, Request } from '../control/protocol.js';
import { listPrograms, resolveTarget } from '../control/targets.js';
import { renderOutcome, renderPrograms, renderStatus } from './render.js';

/** Commands that talk to a running program over its control channel. */
async function withTarget<T>(target: string, use: (client: ControlClient) => Promise<T>): Promise<T> {
  const client = await ControlClient.open(await resolveTarget(target));
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

export async function sendUpdate(target: string, request: Extract<Request, { type: 'update' | 'rollback' }>, json: boolean): Promise<number> {
  const body = await withTarget(target, (c) => c.request(request));
  if (body.type !== 'outcome') throw new Error('unexpected answer to an update');
  print(body.outcome, json, renderOutcome);
  return exitCodeOf(body.outcome);
}

export function exitCodeOf(outcome: UpdateOutcome): number {
  return outcome.status === 'applied' || outcome.status === 'planned' ? 0 : outcome.status === 'refused' ? 2 : 3;
}

export async function lsCommand(json: boolean): Promise<number> {
  print(await listPrograms(), json, renderPrograms);
  return 0;
}

export async function statusCommand(target: string, json: boolean): Promise<number> {
  const body = await withTarget(target, (c) => c.request({ type: 'info' }));
  if (body.type !== 'info') throw new Error('unexpected answer to status');
  print<ProgramInfo>(body.info, json, renderStatus);
  return 0;
}

function print<T>(value: T, json: boolean, render: (v: T) => string): void {
  process.stdout.write(`${json ? JSON.stringify(value, null, 2) : render(value)}\n`);
}
