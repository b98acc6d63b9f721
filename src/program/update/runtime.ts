import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { BatonError, type ErrorData } from '../../protocol/errors.js';
import type { HistoryEntry, ProgramInfo, Request, ResponseBody, UpdatePhase, VersionInfo } from '../../protocol/messages.js';
import { ModuleGraph } from '../runner/module-graph.js';
import type { UpdateSpec } from '../state/update-spec.js';
import type { ClassMigration } from '../state/class-migration.js';
import type { UpdateOutcome } from '../../protocol/outcome.js';
import type { HandoffOutcome } from '../../protocol/handoff.js';
import { runUpdate } from './update.js';
import { readFile } from 'node:fs/promises';
import { hashSource, type CompiledModule } from '../runner/compile.js';
import { keepOnly, recall, remember, withOverlay } from '../runner/source-store.js';
import { compileInputs } from './precompiled.js';
import type { PrecompiledModule } from '../../protocol/precompiled.js';

const MAX_HISTORY = 200;

/**
 * Each compiled module's code, hashed once: an update leaves most modules'
 * compiled form as it was (the same object), and hashing every module's code
 * again after each commit was a synchronous stretch on the program's thread
 * that grew with the program.
 */
const digests = new WeakMap<CompiledModule, string>();
function digestOf(compiled: CompiledModule): string {
  let digest = digests.get(compiled);
  if (digest === undefined) {
    digest = createHash('sha256').update(compiled.comparable).digest('hex');
    digests.set(compiled, digest);
  }
  return digest;
}

/** A version the program ran, kept so `baton rollback` can return to it. */
export interface VersionRecord {
  readonly info: VersionInfo;
  /** The transformer file that brought the program to this version (its `reverse` undoes it). */
  readonly spec: UpdateSpec | undefined;
  /** The source each module ran, by module id: content hashes in the source store (a rollback restores these). */
  readonly files: ReadonlyMap<string, string>;
  /**
   * The file `spec` was read from, where another process may read it again: a
   * hand-off back takes its `reverse` (the new process cannot receive the
   * functions). Set for a version a hand-off brought, where `spec` may be left
   * unread until a rollback asks for it.
   */
  readonly specFile?: string;
  /** Set when this version ran in an earlier process: returning to it is a hand-off back, started so. */
  readonly restart?: Restart;
}

/** How a hand-off back starts a version that ran in an earlier process. */
export interface Restart {
  /** The Node.js binary it ran on. */
  readonly node: string;
  /** The readiness check and grace period of the hand-off that left it (a `call` check is not kept: its code may never call). */
  readonly ready?: string;
  readonly graceMs: number;
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
  /**
   * Migrations with a transformer of recent updates: their traps may still
   * meet old instances after commit. Weakly held: once nothing refers to
   * a migration, no instance of its old shape is left to fail.
   */
  private readonly migrations: Array<WeakRef<ClassMigration>> = [];
  /** Set while an update runs: a second one is refused, never interleaved. */
  private busy = false;
  /** The update under way and its phase, for `baton status`. */
  private progress: { kind: HistoryEntry['kind']; phase: UpdatePhase; startedAt: number } | undefined;

  constructor(
    readonly name: string,
    readonly entry: string,
    readonly socket: string,
  ) {
    this.graph = new ModuleGraph(dirname(resolve(entry)));
    this.entryId = this.graph.idOf(resolve(entry));
    this.current = { info: { label: basename(this.graph.root), dir: this.graph.root, hash: '' }, spec: undefined, files: new Map() };
  }

  async start(): Promise<void> {
    await this.graph.loadEntry(this.entry);
    this.current = { ...this.current, files: await this.snapshot() };
  }

  /**
   * What each module runs now, by the hash of its source (`compiled.sourceHash`),
   * with the texts kept in the source store. A text an update did not read (the
   * first version's) is read now and kept only if it is the one that ran.
   */
  async snapshot(): Promise<ReadonlyMap<string, string>> {
    const files = new Map<string, string>();
    for (const [id, record] of this.graph.records) {
      const hash = record.current.compiled.sourceHash;
      if (recall(hash) === undefined) {
        const text = await readFile(record.current.file, 'utf8').catch(() => undefined);
        if (text === undefined || hashSource(text) !== hash) continue;
        remember(text);
      }
      files.set(id, hash);
    }
    return files;
  }

  /** Drops the texts no version that rollback can reach refers to. */
  pruneSources(): void {
    keepOnly(new Set([this.current, ...this.previous].flatMap((v) => [...v.files.values()])));
  }

  /** Identity of what runs now: the compiled code of every module. */
  versionInfo(dir: string): VersionInfo {
    const hash = createHash('sha256');
    for (const id of [...this.graph.records.keys()].sort()) hash.update(id).update(digestOf(this.graph.records.get(id)!.current.compiled));
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
      update: this.progress ? { kind: this.progress.kind, phase: this.progress.phase, elapsedMs: Date.now() - this.progress.startedAt } : null,
      failures: this.migrations.flatMap((ref) => {
        const m = ref.deref();
        return m?.failures ? [{ module: m.moduleId, className: m.name, ...m.failures }] : [];
      }),
    };
  }

  async handle(request: Exclude<Request, { type: 'hello' }>): Promise<ResponseBody> {
    switch (request.type) {
      case 'info':
        return { type: 'info', info: this.info() };
      case 'update':
        return {
          type: 'outcome',
          outcome: await this.exclusive('update', () =>
            runUpdate(this, request.dir, { dryRun: request.dryRun, timeoutMs: request.timeoutMs, direction: 'forward', allowDependencyChange: request.allowDependencyChange === true, onPhase: (p) => this.enterPhase(p), ...precompiledOf(request) }),
          ),
        };
      case 'compile-inputs':
        return { type: 'compile-inputs', inputs: await compileInputs(this) };
      case 'rollback': {
        const target = this.previous.at(-1);
        if (!target) throw new BatonError('E_NO_PREVIOUS', 'there is no previous version to return to', 'rollback works after an update was applied');
        const restart = target.restart;
        if (restart) {
          // It ran in an earlier process: the program goes back by a hand-off, with the reverse transformers.
          const { runRollbackHandoff } = await import('../handoff/rollback.js');
          const outcome = await this.locked('rollback', () => runRollbackHandoff(this, request, target, restart));
          this.recordHandoff('rollback', outcome);
          return { type: 'handoff', outcome };
        }
        if (request.handoff?.ready !== undefined || request.handoff?.graceMs !== undefined) {
          throw new BatonError('E_USAGE', `the version before ran in this process, so the rollback is in place and has no readiness check or grace period`, 'drop --ready and --grace: they apply to a rollback after a hand-off');
        }
        // The previous version's sources as they ran, whatever is on disk now.
        return { type: 'outcome', outcome: await this.exclusive('rollback', () => withOverlay(target.info.dir, target.files, () => runUpdate(this, target.info.dir, { dryRun: request.dryRun, timeoutMs: request.timeoutMs, direction: 'back', allowDependencyChange: true, onPhase: (p) => this.enterPhase(p), ...precompiledOf(request), ...(request.updateFile === undefined ? {} : { updateFile: request.updateFile }) }))) };
      }
      case 'handoff': {
        const { runHandoff } = await import('../handoff/parent.js');
        const outcome = await this.locked('handoff', () => runHandoff(this, request));
        this.recordHandoff('handoff', outcome);
        return { type: 'handoff', outcome };
      }
      case 'record-refusal':
        this.recordRefusal(request.dir, request.reason);
        return { type: 'recorded' };
    }
  }

  /** A hand-off's outcome in this process's history (an applied one's is also in the new process's). */
  private recordHandoff(kind: HistoryEntry['kind'], outcome: HandoffOutcome): void {
    if (outcome.status === 'planned') return;
    const from = `${outcome.from.label} ${outcome.from.hash}`;
    const to = outcome.status === 'applied' ? `${outcome.to.label} ${outcome.to.hash}` : from;
    const summary = outcome.status === 'applied' ? `to pid ${outcome.pid}, pause ${outcome.pauseMs.toFixed(1)} ms` : outcome.reason.message;
    this.history.push({ at: Date.now(), kind, status: outcome.status, from, to, summary: summary.slice(0, 2000) });
  }

  /** A refusal by the CLI's check: nothing ran here, but the history shows the attempt. */
  private recordRefusal(dir: string, reason: ErrorData): void {
    const from = this.info().version;
    // Whoever sends it, an entry stays small: the history is kept in the program's memory.
    const summary = `${reason.message} [${reason.code}] (refused by the check of ${dir})`.slice(0, 2000);
    this.history.push({ at: Date.now(), kind: 'update', status: 'refused', from: `${from.label} ${from.hash}`, to: `${from.label} ${from.hash}`, summary });
    if (this.history.length > MAX_HISTORY) this.history.splice(0, this.history.length - MAX_HISTORY);
  }

  /** One update, rollback or hand-off at a time: a second is refused, never interleaved. */
  private async locked<T>(kind: HistoryEntry['kind'], run: () => Promise<T>): Promise<T> {
    if (this.busy) throw new BatonError('E_BUSY', 'another update is in progress', 'wait for it to finish, then try again');
    this.busy = true;
    this.progress = { kind, phase: 'compile', startedAt: Date.now() };
    try {
      return await run();
    } finally {
      this.busy = false;
      this.progress = undefined;
    }
  }

  private async exclusive(kind: HistoryEntry['kind'], run: () => Promise<UpdateOutcome>): Promise<UpdateOutcome> {
    return this.locked(kind, () => this.recorded(kind, run));
  }

  private async recorded(kind: HistoryEntry['kind'], run: () => Promise<UpdateOutcome>): Promise<UpdateOutcome> {
    const from = this.info().version;
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
  }

  private enterPhase(phase: UpdatePhase): void {
    if (this.progress) this.progress = { ...this.progress, phase };
  }

  /** Keeps the migrations whose traps can still fail after commit, the recent ones only. */
  keepMigrations(migrations: readonly ClassMigration[]): void {
    this.migrations.push(...migrations.filter((m) => m.transformer).map((m) => new WeakRef(m)));
    if (this.migrations.length > MAX_MIGRATIONS) this.migrations.splice(0, this.migrations.length - MAX_MIGRATIONS);
  }
}

const MAX_MIGRATIONS = 64;

/** The modules an update or rollback request carried, as the update's option (absent when none). */
function precompiledOf(request: { readonly precompiled?: readonly PrecompiledModule[] }): { precompiled?: readonly PrecompiledModule[] } {
  return request.precompiled ? { precompiled: request.precompiled } : {};
}
