import type { UpdateOutcome } from '../protocol/outcome.js';
import { BatonError, toErrorData, type ErrorData } from '../protocol/errors.js';
import { ControlClient } from './client.js';
import type { ProgramInfo, Request, ResponseBody } from '../protocol/messages.js';
import { listPrograms, resolveTarget } from './targets.js';
import { renderHandoff, renderOutcome, renderPrograms, renderStatus } from './render.js';
import { precompileSummary, requestWithPrecompiled, type Precompiled } from './precompile.js';

/** Commands that talk to a running program over its control channel. */
async function withTarget<T>(target: string, use: (client: ControlClient) => Promise<T>): Promise<T> {
  const client = await ControlClient.open(await resolveTarget(target));
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

export async function sendUpdate(target: string, request: Extract<Request, { type: 'update' | 'rollback' }>, json: boolean, check: boolean): Promise<number> {
  const answer = await checkedRequest(target, request, json, check);
  if (typeof answer === 'number') return answer;
  const { body, precompiled } = answer;
  // A rollback whose previous version ran in an earlier process is a hand-off back.
  if (body.type === 'handoff' && request.type === 'rollback') {
    print(body.outcome, json, renderHandoff);
    return exitCodeOf(body.outcome);
  }
  if (body.type !== 'outcome') throw new Error('unexpected answer to an update');
  // What this command compiled before the request (outside the program's pause) goes with the outcome.
  const cli = precompiled ? { precompile: precompileSummary(precompiled) } : {};
  if (json) process.stdout.write(`${JSON.stringify({ ...body.outcome, ...cli }, null, 2)}\n`);
  else process.stdout.write(`${renderOutcome(body.outcome, cli.precompile)}\n`);
  return exitCodeOf(body.outcome);
}


/**
 * `baton update` type-checks the update against the running version's
 * sources first, here in the CLI (the TypeScript compiler never loads into
 * the program). Returns the exit code when the check refuses the update.
 */
async function checkFirst(client: ControlClient, newDir: string, json: boolean): Promise<number | undefined> {
  const info = await client.request({ type: 'info' });
  if (info.type !== 'info') throw new Error('unexpected answer to info');
  const { checkUpdate, renderCheck } = await import('./check.js');
  let result;
  try {
    result = await checkUpdate(info.info.version.dir, newDir);
  } catch (error) {
    // A version that does not even compile is refused here, as the program would refuse it.
    if (!(error instanceof BatonError) || error.code !== 'E_COMPILE') throw error;
    const outcome: UpdateOutcome = { status: 'refused', from: info.info.version, reason: toErrorData(error), modules: [] };
    await recordRefusal(client, newDir, outcome.reason);
    process.stdout.write(`${json ? JSON.stringify(outcome, null, 2) : renderOutcome(outcome)}\n`);
    return exitCodeOf(outcome);
  }
  if (result.kind === 'passed') return undefined;
  const outcome: UpdateOutcome = {
    status: 'refused',
    from: info.info.version,
    reason: { code: 'E_CHECK_FAILED', message: `the update does not pass \`baton check ${info.info.version.dir} ${newDir}\`: ${result.problems.length} problem(s)`, hint: 'fix them (or give --no-check to update anyway)' },
    modules: [],
  };
  await recordRefusal(client, newDir, outcome.reason);
  if (json) process.stdout.write(`${JSON.stringify({ ...outcome, problems: result.problems }, null, 2)}\n`);
  else process.stdout.write(`${renderCheck(result)}${renderOutcome(outcome)}\n`);
  return exitCodeOf(outcome);
}

/**
 * The program's history shows refusals by the check too, though nothing
 * reached the program. Best effort: a program of an older baton does not
 * know the message, and the refusal stands either way.
 */
async function recordRefusal(client: ControlClient, dir: string, reason: ErrorData): Promise<void> {
  try {
    await client.request({ type: 'record-refusal', dir, reason });
  } catch {
    // The refusal is printed below whether or not the program could record it.
  }
}

export function exitCodeOf(outcome: Pick<UpdateOutcome, 'status'>): number {
  return outcome.status === 'applied' || outcome.status === 'planned' ? 0 : outcome.status === 'refused' ? 2 : 3;
}

export async function lsCommand(json: boolean): Promise<number> {
  const listed = await listPrograms();
  // JSON: each program's info as before, marked; one that did not answer has its pid, socket and the error.
  const flat = listed.map((p) => (p.answering ? { ...p.info, answering: true } : p));
  if (json) process.stdout.write(`${JSON.stringify(flat, null, 2)}\n`);
  else process.stdout.write(`${renderPrograms(listed)}\n`);
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

/** `baton update --handoff`: checked like an update, then carried out by the program, which answers when it is done. */
export async function sendHandoff(target: string, request: Extract<Request, { type: 'handoff' }>, json: boolean, check: boolean): Promise<number> {
  const answer = await checkedRequest(target, request, json, check);
  if (typeof answer === 'number') return answer;
  const { body } = answer;
  if (body.type !== 'handoff') throw new Error('unexpected answer to a hand-off');
  print(body.outcome, json, renderHandoff);
  return exitCodeOf(body.outcome);
}

/**
 * An update, rollback or hand-off: type-checked first (updates and hand-offs),
 * then sent, an update or rollback with the modules this command compiled
 * (precompile.ts; a hand-off's new process compiles its own); the program
 * answers when it is done, so the request waits its deadline, and then
 * some. A number is the exit code of a refusal by the check.
 */
async function checkedRequest(
  target: string,
  request: Extract<Request, { type: 'update' | 'rollback' | 'handoff' }>,
  json: boolean,
  check: boolean,
): Promise<{ body: ResponseBody; precompiled?: Precompiled | undefined } | number> {
  return withTarget(target, async (c) => {
    if (check && request.type !== 'rollback') {
      const refused = await checkFirst(c, request.dir, json);
      if (refused !== undefined) return refused;
    }
    if (request.type === 'handoff') return { body: await c.request(request) };
    return requestWithPrecompiled(c, request);
  });
}
