import type { ChildProcess } from 'node:child_process';
import { instancesOf } from '../state/instances.js';
import type { ModuleGraph } from '../runner/module-graph.js';

const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

/**
 * After a hand-off the old process stays, as a thin parent of the new one:
 * a supervisor (systemd, docker, pm2) watches this pid, and would take its
 * exit for the program's (systemd stops the unit and kills the new process
 * with it; docker stops the container). It forwards the signals a
 * supervisor sends and exits as the new process does (same code, same
 * signal). Its own program is stopped: no socket (handed over or closed
 * before), no timer, no state (the bindings are released for the garbage
 * collector).
 */
export function becomeThinParent(child: ChildProcess, graph: ModuleGraph): void {
  for (const signal of FORWARDED) {
    process.removeAllListeners(signal);
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
  // Whatever of the old version still runs has nothing to serve: it must not end the parent, nor the program.
  process.removeAllListeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  process.on('uncaughtException', () => undefined);
  process.on('unhandledRejection', () => undefined);
  stopTimers();
  for (const record of graph.records.values()) {
    for (const b of record.current.compiled.bindings) if (b.kind !== 'function' && b.kind !== 'class') record.current.bindings[b.name]?.[1](undefined);
  }
  child.disconnect();
}

/** The program's timers and immediates (V8 finds every Timeout and Immediate: they are not listed anywhere public). */
function stopTimers(): void {
  const timeout = setTimeout(() => undefined, 0);
  const immediate = setImmediate(() => undefined);
  const timeoutProto = Object.getPrototypeOf(timeout) as object;
  const immediateProto = Object.getPrototypeOf(immediate) as object;
  clearTimeout(timeout);
  clearImmediate(immediate);
  for (const t of instancesOf(timeoutProto)) clearTimeout(t as NodeJS.Timeout);
  for (const i of instancesOf(immediateProto)) clearImmediate(i as NodeJS.Immediate);
}
