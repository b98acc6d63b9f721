// Updates over the control channel directly, through the client code
// `baton update <target> <dir> --no-check` runs (cli/precompile.ts: the
// changed modules compiled in this process first, then the `update` request
// with them), without spawning a CLI process per update (so a hundred
// updates take seconds, and no CLI start-up competes with the program for
// the CPU while it is being measured).
import { join } from 'node:path';
import type { UpdateOutcome } from '../../src/protocol/outcome.js';
import { ControlClient } from '../../src/cli/client.js';
import { requestWithPrecompiled } from '../../src/cli/precompile.js';

/** An applied outcome, with the time this process spent compiling before the request (0 when it sent nothing). */
export type Applied = Extract<UpdateOutcome, { status: 'applied' }> & { readonly precompileMs: number };

/** The control client of the program with `pid`, whose socket dir is `env.BATON_SOCKET_DIR`. */
export async function openControl(pid: number, env: NodeJS.ProcessEnv): Promise<ControlClient> {
  const dir = env['BATON_SOCKET_DIR'];
  if (!dir) throw new Error('openControl: env has no BATON_SOCKET_DIR');
  // socket-dir.ts: <dir>/<pid>.sock
  return ControlClient.open(join(dir, `${pid}.sock`), 10_000);
}

/** One update to `dir`, as `baton update --no-check` makes it; throws unless it was applied. */
export async function update(client: ControlClient, dir: string, timeoutMs = 30_000): Promise<Applied> {
  const { body, precompiled } = await requestWithPrecompiled(client, { type: 'update', dir, dryRun: false, timeoutMs });
  const outcome = (body as { outcome: UpdateOutcome }).outcome;
  if (outcome.status !== 'applied') {
    const reason = 'reason' in outcome && outcome.reason ? `: ${outcome.reason.code} ${outcome.reason.message}` : '';
    throw new Error(`update to ${dir} was ${outcome.status}${reason}`);
  }
  return { ...outcome, precompileMs: precompiled?.ms ?? 0 };
}

/** `module:mechanism` of every module an outcome touched, sorted: what a check compares against. */
export function mechanisms(outcome: Applied): string {
  return outcome.modules
    .map((m) => `${m.id}:${m.mechanism}`)
    .sort()
    .join(',');
}

/**
 * `n` updates alternating between `dirs[1]` and `dirs[0]` (the program runs
 * `dirs[0]` before the first), each checked to be exactly `expect` (see
 * mechanisms()). With an even `n` the program ends on `dirs[0]` again.
 */
export async function alternate(client: ControlClient, dirs: readonly [string, string], n: number, expect: string, gapMs = 0): Promise<{ pauseMs: number[]; commitMs: number[]; totalMs: number[] }> {
  const out = { pauseMs: [] as number[], commitMs: [] as number[], totalMs: [] as number[] };
  for (let i = 0; i < n; i++) {
    const outcome = await update(client, dirs[(i + 1) % 2]!);
    const got = mechanisms(outcome);
    if (got !== expect) throw new Error(`update ${i + 1}: expected ${expect}, got ${got}`);
    out.pauseMs.push(outcome.timing.pauseMs);
    out.commitMs.push(outcome.timing.commitMs);
    out.totalMs.push(outcome.timing.totalMs);
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
  }
  return out;
}
