import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { toErrorData, type ErrorData } from '../../protocol/errors.js';
import type { Request } from '../../protocol/messages.js';
import type { HandoffOutcome, HandoffStep, HandoffStepName, Untransferable } from '../../protocol/handoff.js';
import { reinitInFile } from '../../compare/update-file-scan.js';
import type { Runtime } from '../update/runtime.js';
import { isToParent, type ToChild, type ToParent } from './ipc.js';
import { HANDOFF_ENV, launchOf } from './launch.js';
import { forwardStart, type HandoffStart } from './lineage.js';
import { Quiescence } from './quiesce.js';
import { probeUntil } from './readiness.js';
import { serializeState, untransferable, writeStateFile } from './snapshot.js';
import { becomeThinParent } from './thin-parent.js';

type HandoffRequest = Extract<Request, { type: 'handoff' }>;

/** A hand-off back (`baton rollback`, handoff/rollback.ts): what the reverse section reinitializes, and what the new process is told. */
export interface HandBack {
  readonly reinit: ReadonlyMap<string, ReadonlySet<string>>;
  readonly start: HandoffStart;
}

/** A failed step: the reason the outcome carries. */
class StepFailed extends Error {
  constructor(readonly data: ErrorData) {
    super(data.message);
  }
}

/**
 * `baton update --handoff`, in the old process: start the new version in a
 * new process, let it load; stop serving here and let in-flight work settle;
 * send the state and the listening sockets; the new process serves and must
 * pass its readiness check and live through the grace period; then this
 * process hands over its connections and becomes a thin parent. Any failure
 * before that stops the new process and this one serves on, its state
 * untouched (it was only read).
 */
export async function runHandoff(runtime: Runtime, request: HandoffRequest, back?: HandBack): Promise<HandoffOutcome> {
  const from = runtime.info().version;
  const refuse = (reason: ErrorData): HandoffOutcome => ({ status: 'refused', from, reason });
  const launch = launchOf();
  if (!launch) return refuse({ code: 'E_INTERNAL', message: 'this process was not started by `baton run`' });
  const entry = join(request.dir, relative(runtime.graph.root, runtime.entry));
  if (!existsSync(entry)) return refuse({ code: 'E_BAD_DIR', message: `${request.dir} has no ${relative(runtime.graph.root, runtime.entry)}, the entry the program runs`, hint: 'give the directory of the new version, laid out like the running one' });
  const reinit = back?.reinit ?? (await reinitInFile(request.dir));
  const checkStarted = performance.now();
  // Named before anything stops: what cannot cross refuses the hand-off.
  const cannot = untransferable(runtime.graph, reinit);
  const checkMs = performance.now() - checkStarted;
  if (request.dryRun) return { status: 'planned', from, bindings: countBindings(runtime), untransferable: cannot };
  if (cannot.length > 0) return refuse(stateRefusal(cannot, back !== undefined));

  // The check walked the state while the program served (it blocked the event loop that long).
  const steps: HandoffStep[] = [{ name: 'check', ms: checkMs }];
  let mark = performance.now();
  const step = (name: HandoffStepName) => {
    const now = performance.now();
    steps.push({ name, ms: now - mark });
    mark = now;
  };
  const node = request.node ?? process.execPath;
  const child = spawn(node, [...launch.execArgv, launch.script, 'run', '--name', runtime.name, entry, '--', ...launch.args], {
    cwd: process.cwd(),
    env: { ...process.env, [HANDOFF_ENV]: JSON.stringify(back?.start ?? forwardStart(runtime, request)) },
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  const channel = new ChildChannel(child);
  let quiet: Quiescence | undefined;
  let stateFile: { file: string; remove: () => void } | undefined;
  try {
    await channel.expect('loaded', request.timeoutMs, 'E_HANDOFF_START', 'load');
    step('start');

    const stoppedAt = performance.now();
    quiet = Quiescence.stop();
    if (!(await quiet.settle(stoppedAt + request.timeoutMs))) {
      throw new StepFailed({ code: 'E_TIMEOUT', message: `in-flight work did not settle within ${request.timeoutMs} ms: ${quiet.unsettled()}`, hint: 'give a longer --timeout, or hand off when the program is less busy' });
    }
    step('quiesce');

    const serializeStarted = performance.now();
    let parts: Uint8Array[];
    try {
      parts = serializeState(runtime.graph, reinit, runtime.history);
    } catch (error) {
      if (Array.isArray(error)) throw new StepFailed(stateRefusal(error as Untransferable[], back !== undefined));
      throw new StepFailed({ code: 'E_HANDOFF_STATE', message: `the state cannot be serialized: ${(error as Error).message}`, hint: 'reinit the binding that holds it (`reinit` in baton.update.ts), or keep such values out of module state' });
    }
    const serializeMs = performance.now() - serializeStarted;
    for (const held of quiet.servers) channel.send({ type: 'listen', key: held.key }, held.handle);
    const sendStarted = performance.now();
    stateFile = writeStateFile(parts);
    const bytes = parts.reduce((sum, p) => sum + p.length, 0);
    channel.send({ type: 'state', file: stateFile.file, bytes, from: `${from.label} ${from.hash}`, parentPid: process.pid });
    const serving = await channel.expect('serving', request.timeoutMs, 'E_HANDOFF_START', 'take the state and serve');
    if (serving.type !== 'serving') throw new Error('unexpected message');
    // The new process's own install (adopting the handles) is not transfer time.
    const sendMs = performance.now() - sendStarted - serving.restoreMs - serving.installMs;
    const pauseMs = performance.now() - stoppedAt;
    step('transfer');
    // The new process serves: connections this one still accepts go there, idle ones move, the rest close gracefully.
    quiet.forwardTo(child);
    const connections = await quiet.handOver(child);
    step('install');

    const graceEnds = performance.now() + request.graceMs;
    if (request.ready === 'call') {
      const hint = "the new version must call ready() from 'baton-dsu' once it serves, or give a longer --grace; the old process serves on";
      await channel.expect('ready', Math.max(0, graceEnds - performance.now()), 'E_HANDOFF_NOT_READY', "call ready() from 'baton-dsu'", hint);
    } else if (request.ready !== undefined) {
      const ok = await Promise.race([probeUntil(request.ready, graceEnds), channel.exited.then(() => false)]);
      if (!ok) throw new StepFailed(channel.exitInfo() ?? { code: 'E_HANDOFF_NOT_READY', message: `the new process did not pass the readiness check ${request.ready} within ${request.graceMs} ms`, hint: 'check the new version (its output is the program\'s), or give a longer --grace' });
    }
    step('ready');
    const crashed = await Promise.race([channel.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), Math.max(0, graceEnds - performance.now())))]);
    if (crashed) throw new StepFailed({ ...channel.exitInfo()!, code: 'E_HANDOFF_CRASHED' });
    step('grace');

    channel.send({ type: 'commit' });
    await channel.expect('committed', request.timeoutMs, 'E_HANDOFF_CRASHED', 'take the control name');
    quiet.release();
    launch.control.close();
    launch.removeSocket();
    // Once the answer is on its way: from then on this process only stands in for the new one.
    setImmediate(() => becomeThinParent(child, runtime.graph));
    const rest = serializeMs + sendMs + serving.restoreMs;
    return {
      status: 'applied',
      ...(back ? { rollback: true } : {}),
      from,
      to: { label: basename(request.dir), dir: request.dir, hash: serving.hash },
      pid: child.pid!,
      parentPid: process.pid,
      node: serving.node,
      steps,
      pauseMs,
      transfer: { bindings: serving.restored.bindings, instances: serving.restored.instances, bytes, serializeMs, sendMs, restoreMs: serving.restoreMs, rateMBps: bytes / 1e6 / (rest / 1000) },
      connections,
      warnings: serving.warnings,
    };
  } catch (error) {
    child.kill('SIGKILL');
    await channel.exited;
    quiet?.resume();
    stateFile?.remove();
    const reason = error instanceof StepFailed ? error.data : toErrorData(error);
    return { status: 'aborted', from, reason, steps };
  }
}

function countBindings(runtime: Runtime): number {
  let n = 0;
  for (const r of runtime.graph.records.values()) n += r.current.compiled.bindings.filter((b) => b.kind !== 'function' && b.kind !== 'class').length;
  return n;
}

export function stateRefusal(cannot: readonly Untransferable[], back = false): ErrorData {
  const list = cannot.slice(0, 5).map((u) => `${u.module} ${u.binding}${u.path}: ${u.what}`).join('; ');
  const more = cannot.length > 5 ? ` (and ${cannot.length - 5} more)` : '';
  return {
    code: 'E_HANDOFF_STATE',
    message: `state that cannot move to another process: ${list}${more}`,
    hint: `let the ${back ? 'previous' : 'new'} version make its own (\`reinit: { '${cannot[0]?.module}': ['${cannot[0]?.binding}'] }\` in ${back ? "the `reverse` section of the running version's update file" : "the new version's baton.update.ts"}), or keep such values out of module state`,
  };
}

/** The IPC channel to the new process, and its exit. */
class ChildChannel {
  readonly exited: Promise<void>;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly inbox: ToParent[] = [];
  private waiter: (() => void) | undefined;

  constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.waiter?.();
        resolve();
      }),
    );
    child.on('error', () => undefined);
    child.on('message', (message: unknown) => {
      if (!isToParent(message)) return;
      this.inbox.push(message);
      this.waiter?.();
    });
  }

  send(message: ToChild, handle?: unknown): void {
    if (this.child.connected) this.child.send(message, handle as never);
  }

  /** How the new process ended, as a reason. */
  exitInfo(): ErrorData | undefined {
    if (!this.exit) return undefined;
    const how = this.exit.signal ? `was killed by ${this.exit.signal}` : `exited with code ${this.exit.code}`;
    return { code: 'E_HANDOFF_START', message: `the new process ${how}`, hint: 'its output (in the program\'s output) says why; the old process serves on, its state untouched' };
  }

  /** The next message of `type`; a failure if the process reports one, exits, or takes longer than `ms`. */
  async expect(type: ToParent['type'], ms: number, code: ErrorData['code'], doing: string, hint = 'give a longer --timeout if it needs more time to start; the old process serves on'): Promise<ToParent> {
    const deadline = performance.now() + ms;
    for (;;) {
      const failed = this.inbox.find((m) => m.type === 'failed');
      if (failed?.type === 'failed') throw new StepFailed({ ...failed.error, message: `the new process failed to ${doing}: ${failed.error.message}` });
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      const exit = this.exitInfo();
      if (exit) throw new StepFailed({ ...exit, code, message: `${exit.message} before it could ${doing}` });
      const left = deadline - performance.now();
      if (left <= 0) throw new StepFailed({ code: code === 'E_HANDOFF_START' ? 'E_HANDOFF_NOT_READY' : code, message: `the new process did not ${doing} within ${ms} ms`, hint });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }
}

