import { existsSync } from 'node:fs';
import { toErrorData, type ErrorData } from '../../protocol/errors.js';
import type { HandoffOutcome } from '../../protocol/handoff.js';
import type { Request } from '../../protocol/messages.js';
import { loadUpdateSpecFile } from '../state/load-spec.js';
import { needsReverse, noReverse, noReverseSection } from '../state/reverse.js';
import type { UpdateSpec } from '../state/update-spec.js';
import type { Restart, Runtime, VersionRecord } from '../update/runtime.js';
import { backStart } from './lineage.js';
import { runHandoff } from './parent.js';

type RollbackRequest = Extract<Request, { type: 'rollback' }>;
type Reverse = { readonly spec: Omit<UpdateSpec, 'reverse'> | undefined; readonly file: string | undefined };

/**
 * `baton rollback` when the version before ran in an earlier process: a
 * hand-off back. The previous version starts again from its directory, on
 * the Node.js it ran on, and takes this process's state through the
 * `reverse` transformers of the update file that brought the version
 * running now (or of `--update-file`); the rest is a hand-off like any
 * other (sockets, readiness, grace, and this process serving on if the new
 * one fails). Refused before anything starts when the current version
 * transformed state and gave no reverse, as an in-process rollback is.
 */
export async function runRollbackHandoff(runtime: Runtime, request: RollbackRequest, target: VersionRecord, restart: Restart): Promise<HandoffOutcome> {
  const from = runtime.info().version;
  const refuse = (reason: ErrorData): HandoffOutcome => ({ status: 'refused', from, reason });
  if (!existsSync(target.info.dir)) {
    return refuse({ code: 'E_BAD_DIR', message: `the previous version's directory ${target.info.dir} is gone: a rollback after a hand-off starts that version again from there`, hint: 'put the previous version back in that directory, then run the rollback again' });
  }
  if (!existsSync(restart.node)) {
    return refuse({ code: 'E_BAD_DIR', message: `the Node.js binary the previous version ran on, ${restart.node}, is gone`, hint: 'put it back, then run the rollback again' });
  }
  const reverse = await reverseOf(runtime, request.updateFile);
  if ('code' in reverse) return refuse(reverse);
  const reinit = new Map(Object.entries(reverse.spec?.reinit ?? {}).map(([id, names]) => [id, new Set(names)]));
  const options = request.handoff;
  const ready = options?.ready ?? restart.ready;
  const handoff: Extract<Request, { type: 'handoff' }> = {
    type: 'handoff',
    dir: target.info.dir,
    dryRun: request.dryRun,
    timeoutMs: options?.timeoutMs ?? request.timeoutMs,
    graceMs: options?.graceMs ?? restart.graceMs,
    node: restart.node,
    ...(ready === undefined ? {} : { ready }),
  };
  return runHandoff(runtime, handoff, { reinit, start: backStart(runtime, target, reverse.file) });
}

/**
 * The reverse transformers, and the file the new process reads them from
 * (it cannot receive functions): `--update-file`'s, else those of the update
 * file that brought the running version. The same rule as in process
 * (state/reverse.ts): whatever that file transformed needs a reverse.
 */
async function reverseOf(runtime: Runtime, updateFile: string | undefined): Promise<Reverse | ErrorData> {
  try {
    if (updateFile !== undefined) {
      const spec = (await loadUpdateSpecFile(runtime.graph, updateFile, runtime.graph))?.reverse;
      return spec ? { spec, file: updateFile } : noReverseSection(updateFile);
    }
    const file = runtime.current.specFile;
    // A version brought by a hand-off back leaves its update file unread until a rollback asks for it.
    const spec = runtime.current.spec ?? (file === undefined ? undefined : await loadUpdateSpecFile(runtime.graph, file, runtime.graph));
    const missing = needsReverse(spec);
    if (missing.length > 0 && !spec?.reverse) return noReverse(missing);
    if (!spec?.reverse) return { spec: undefined, file: undefined };
    if (file === undefined || !existsSync(file)) {
      return { code: 'E_NO_REVERSE', message: `the reverse transformers of the running version are not in a file the previous version's new process can read${file === undefined ? '' : ` (${file} is gone)`}`, hint: 'give them in a file: `baton rollback <target> --update-file <file>`' };
    }
    return { spec: spec.reverse, file };
  } catch (error) {
    return toErrorData(error);
  }
}
