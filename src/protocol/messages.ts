import type { ErrorData } from './errors.js';
import type { UpdateOutcome } from './outcome.js';
import type { HandoffOutcome } from './handoff.js';
import { isPrecompiledList, type CompileInputs, type PrecompiledModule } from './precompiled.js';

/** Bumped when a message changes shape; the handshake refuses a mismatch. */
export const PROTOCOL_VERSION = 1;

export type Request =
  | { readonly type: 'hello'; readonly protocol: number }
  | { readonly type: 'info' }
  /** `precompiled`: modules the CLI compiled from the inputs `compile-inputs` gave (precompiled.ts); each used only if they still hold. */
  | { readonly type: 'update'; readonly dir: string; readonly dryRun: boolean; readonly timeoutMs: number; readonly allowDependencyChange?: boolean; readonly precompiled?: readonly PrecompiledModule[] }
  /**
   * Moves the program to a new process running the version in `dir`
   * (program/handoff/): `graceMs` is how long the new process must stay up
   * after it served; `node` another Node.js binary; `ready` a readiness check
   * (`tcp:PORT` or an http:// URL on loopback).
   */
  | { readonly type: 'handoff'; readonly dir: string; readonly dryRun: boolean; readonly timeoutMs: number; readonly graceMs: number; readonly node?: string; readonly ready?: string }
  /**
   * `updateFile`: a transformer file whose `reverse` section is used instead
   * of the current version's. `handoff`: how a rollback that is a hand-off back (the previous version
   * ran in an earlier process) starts the new process; unset fields take what
   * the hand-off that left that version used.
   */
  | { readonly type: 'rollback'; readonly dryRun: boolean; readonly timeoutMs: number; readonly updateFile?: string; readonly handoff?: RollbackHandoff; readonly precompiled?: readonly PrecompiledModule[] }
  /** What the program compiles a new version of each module against, so the CLI can compile it first (precompiled.ts). */
  | { readonly type: 'compile-inputs' }
  /**
   * The CLI's check (run before an update is sent) refused the update:
   * recorded in the program's history like a refusal of its own.
   */
  | { readonly type: 'record-refusal'; readonly dir: string; readonly reason: ErrorData };

/** `baton rollback`'s options for a hand-off back: its deadline per step, readiness check and grace period. */
export interface RollbackHandoff {
  readonly timeoutMs: number;
  readonly graceMs?: number;
  readonly ready?: string;
}

export interface ProgramInfo {
  readonly name: string;
  readonly pid: number;
  readonly entry: string;
  readonly socket: string;
  readonly version: VersionInfo;
  readonly startedAt: number;
  readonly uptimeMs: number;
  readonly node: string;
  readonly history: readonly HistoryEntry[];
  /** process.memoryUsage() at the time of asking, in bytes (no garbage collection forced). */
  readonly memory: { readonly heapUsed: number; readonly rss: number };
  /** Lazy class migrations of the last update: instances migrated so far, and the sweep's state. */
  readonly sweeps: readonly SweepInfo[];
  /** The update or rollback under way, if any, and the phase it is in. */
  readonly update: UpdateProgress | null;
  /** Class transformers that failed after commit on some instances (which kept their old fields). */
  readonly failures: readonly TransformFailure[];
}

/** The phases of an update, in order; each has a deadline (`--timeout`). */
export type UpdatePhase = 'compile' | 'evaluate' | 'transform' | 'dispose' | 'commit';

export interface UpdateProgress {
  readonly kind: 'update' | 'rollback' | 'handoff';
  readonly phase: UpdatePhase;
  readonly elapsedMs: number;
}

export interface TransformFailure {
  readonly module: string;
  readonly className: string;
  /** How many instances kept their old fields. */
  readonly instances: number;
  /** The last failure's message. */
  readonly message: string;
  readonly at: number;
}

export interface SweepInfo {
  readonly module: string;
  readonly className: string;
  readonly migrated: number;
  /** Wall time the background sweep took, once it has finished. */
  readonly doneMs: number | null;
}

export interface VersionInfo {
  /** The version directory's name (`v2`), or the entry's directory name for the first one. */
  readonly label: string;
  readonly dir: string;
  /** Content hash of the compiled modules the process runs. */
  readonly hash: string;
}

export interface HistoryEntry {
  readonly at: number;
  readonly kind: 'update' | 'rollback' | 'handoff';
  readonly status: UpdateOutcome['status'];
  readonly from: string;
  readonly to: string;
  readonly summary: string;
}

export type ResponseBody =
  | { readonly type: 'hello'; readonly protocol: number; readonly pid: number }
  | { readonly type: 'info'; readonly info: ProgramInfo }
  | { readonly type: 'outcome'; readonly outcome: UpdateOutcome }
  | { readonly type: 'handoff'; readonly outcome: HandoffOutcome }
  | { readonly type: 'recorded' }
  | { readonly type: 'compile-inputs'; readonly inputs: CompileInputs };

/** A frame on the wire: a request or its answer, matched by id. Handler errors travel as data. */
export type Frame =
  | { readonly id: number; readonly request: Request }
  | { readonly id: number; readonly ok: true; readonly body: ResponseBody }
  | { readonly id: number; readonly ok: false; readonly error: ErrorData };

export function isRequest(value: unknown): value is Request {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  switch (v['type']) {
    case 'hello':
      return typeof v['protocol'] === 'number';
    case 'info':
      return true;
    case 'update':
      return (
        typeof v['dir'] === 'string' &&
        typeof v['dryRun'] === 'boolean' &&
        typeof v['timeoutMs'] === 'number' &&
        (v['allowDependencyChange'] === undefined || typeof v['allowDependencyChange'] === 'boolean') &&
        (v['precompiled'] === undefined || isPrecompiledList(v['precompiled']))
      );
    case 'handoff':
      return (
        typeof v['dir'] === 'string' &&
        typeof v['dryRun'] === 'boolean' &&
        typeof v['timeoutMs'] === 'number' &&
        typeof v['graceMs'] === 'number' &&
        (v['node'] === undefined || typeof v['node'] === 'string') &&
        (v['ready'] === undefined || typeof v['ready'] === 'string')
      );
    case 'rollback':
      return (
        typeof v['dryRun'] === 'boolean' &&
        typeof v['timeoutMs'] === 'number' &&
        (v['updateFile'] === undefined || typeof v['updateFile'] === 'string') &&
        (v['handoff'] === undefined || isRollbackHandoff(v['handoff'])) &&
        (v['precompiled'] === undefined || isPrecompiledList(v['precompiled']))
      );
    case 'compile-inputs':
      return true;
    case 'record-refusal':
      return typeof v['dir'] === 'string' && isErrorData(v['reason']);
    default:
      return false;
  }
}

function isRollbackHandoff(value: unknown): value is RollbackHandoff {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['timeoutMs'] === 'number' && (v['graceMs'] === undefined || typeof v['graceMs'] === 'number') && (v['ready'] === undefined || typeof v['ready'] === 'string');
}

function isErrorData(value: unknown): value is ErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['code'] === 'string' && typeof v['message'] === 'string' && (v['hint'] === undefined || typeof v['hint'] === 'string');
}
