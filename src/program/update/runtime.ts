import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { BatonError, type ErrorData } from '../../protocol/errors.js';
import type { HistoryEntry, ProgramInfo, Request, ResponseBody, VersionInfo } from '../../protocol/messages.js';
import { ModuleGraph } from '../runner/module-graph.js';
import type { UpdateSpec } from '../state/update-spec.js';
import type { ClassMigration } from '../state/class-migration.js';
import type { UpdateOutcome } from '../../protocol/outcome.js';
import { runUpdate } from './update.js';

const MAX_HISTORY = 200;

/** A version the program ran, kept so `baton rollback` can return to it. */
export interface VersionRecord {
  readonly info: VersionInfo;
  /** The transformer file that brought the program to this version (its `reverse` undoes it). */
  readonly spec: UpdateSpec | undefined;
}

/** The live-update runtime inside the program: its module graph, versions and history. */
export class Runtime {
  readonly graph: ModuleGraph;
  readonly startedAt = Date.now();
  /** The entry module's id: every version must have it. */
  readonly entryId: string;
  /** The version running now. */
  current: VersionRecord;
  /** The versions before it, newest last: where rollback goes. */
  readonly previous: VersionRecord[] = [];
  readonly history: HistoryEntry[] = [];
  /** Lazy migrations of the last update and when their sweep finished (ms, or null while running). */
  sweeps: Array<{ migration: ClassMigration; doneMs: number | null }> = [];
  /** Set while an update runs: a second one is refused, never interleaved. */
  private busy = false;

  constructor(
    readonly name: string,
    readonly entry: string,
    readonly socket: string,
  ) {
    this.graph = new ModuleGraph(dirname(resolve(entry)));
    this.entryId = this.graph.idOf(resolve(entry));
    this.current = { info: { label: basename(this.graph.root), dir: this.graph.root, hash: '' }, spec: undefined };
  }

  async start(): Promise<void> {
    await this.graph.loadEntry(this.entry);
  }

  /** Identity of what runs now: the compiled code of every module. */
  versionInfo(dir: string): VersionInfo {
    const hash = createHash('sha256');
    for (const id of [...this.graph.records.keys()].sort()) hash.update(id).update(this.graph.records.get(id)!.current.compiled.comparable);
    return { label: basename(dir), dir, hash: hash.digest('hex').slice(0, 12) };
  }

  info(): ProgramInfo {
    if (this.current.info.hash === '') this.current = { ...this.current, info: this.versionInfo(this.current.info.dir) };
    return {
      name: this.name,
      pid: process.pid,
      entry: this.entry,
      socket: this.socket,
      version: this.current.info,
      startedAt: this.startedAt,
      uptimeMs: Date.now() - this.startedAt,
      node: process.version,
      history: this.history,
      memory: (({ heapUsed, rss }) => ({ heapUsed, rss }))(process.memoryUsage()),
      sweeps: this.sweeps.map((s) => ({ module: s.migration.moduleId, className: s.migration.name, migrated: s.migration.migrated, doneMs: s.doneMs })),
    };
  }

  async handle(request: Exclude<Request, { type: 'hello' }>): Promise<ResponseBody> {
    switch (request.type) {
      case 'info':
        return { type: 'info', info: this.info() };
      case 'update':
        return { type: 'outcome', outcome: await this.exclusive('update', () => runUpdate(this, request.dir, { dryRun: request.dryRun, timeoutMs: request.timeoutMs, direction: 'forward', allowDependencyChange: request.allowDependencyChange === true })) };
      case 'rollback': {
        const target = this.previous.at(-1);
        if (!target) throw new BatonError('E_NO_PREVIOUS', 'there is no previous version to return to', 'rollback works after an update was applied');
        return { type: 'outcome', outcome: await this.exclusive('rollback', () => runUpdate(this, target.info.dir, { dryRun: request.dryRun, timeoutMs: request.timeoutMs, direction: 'back', allowDependencyChange: true, ...(request.updateFile === undefined ? {} : { updateFile: request.updateFile }) })) };
      }
      case 'record-refusal':
        this.recordRefusal(request.dir, request.reason);
        return { type: 'recorded' };
    }
  }

  /** A refusal by the CLI's check: nothing ran here, but the history shows the attempt. */
  private recordRefusal(dir: string, reason: ErrorData): void {
    const from = this.info().version;
    // Whoever sends it, an entry stays small: the history is kept in the program's memory.
    const summary = `${reason.message} [${reason.code}] (refused by the check of ${dir})`.slice(0, 2000);
    this.history.push({ at: Date.now(), kind: 'update', status: 'refused', from: `${from.label} ${from.hash}`, to: `${from.label} ${from.hash}`, summary });
    if (this.history.length > MAX_HISTORY) this.history.splice(0, this.history.length - MAX_HISTORY);
  }

  private async exclusive(kind: HistoryEntry['kind'], run: () => Promise<UpdateOutcome>): Promise<UpdateOutcome> {
    if (this.busy) throw new BatonError('E_BUSY', 'another update is in progress', 'wait for it to finish, then try again');
    this.busy = true;
    const from = this.info().version;
    try {
      const outcome = await run();
      if (outcome.status !== 'planned') {
        this.history.push({
          at: Date.now(),
          kind,
          status: outcome.status,
          from: `${from.label} ${from.hash}`,
          to: outcome.status === 'applied' ? `${outcome.to.label} ${outcome.to.hash}` : `${from.label} ${from.hash}`,
          summary: outcome.status === 'applied' ? `${outcome.modules.length} module(s), pause ${outcome.timing.pauseMs.toFixed(2)} ms` : outcome.reason.message,
        });
        // A long-lived program updated thousands of times keeps the recent past only.
        if (this.history.length > MAX_HISTORY) this.history.splice(0, this.history.length - MAX_HISTORY);
      }
      return outcome;
    } finally {
      this.busy = false;
    }
  }
}
