import type { Request, VersionInfo } from '../../protocol/messages.js';
import type { Restart, Runtime, VersionRecord } from '../update/runtime.js';

/** A version the program ran in an earlier process, as a new process is told of it. */
export interface EarlierVersion {
  readonly info: VersionInfo;
  /** The update file that brought the program to this version (its `reverse` takes it back one step further). */
  readonly specFile?: string;
  readonly restart: Restart;
}

/**
 * What the new process of a hand-off is told when it starts (in HANDOFF_ENV,
 * as JSON: it needs it before the first IPC message could reach it, to load
 * the right transformers while the old process still serves): the versions
 * that ran before it, where `baton rollback` goes, and, for a hand-off back,
 * which transformers take the state back.
 */
export interface HandoffStart {
  /** Oldest first; the last is the version `baton rollback` in the new process hands the program back to. */
  readonly earlier: readonly EarlierVersion[];
  /** Set for a hand-off back (`baton rollback`). */
  readonly back?: {
    /** The root of the version left: its update file's imports of its own modules are the running ones (reverse-linker.ts). */
    readonly left: string;
    /** The update file whose `reverse` takes the state back; none when the version left transformed nothing. */
    readonly reverseFile?: string;
    /** The update file that brought the program to the version the new process runs. */
    readonly specFile?: string;
  };
}

/**
 * A forward hand-off's new process may go back to this process's version,
 * and from there to the versions before it that ran in earlier processes.
 * Versions this process reached in place are not carried: what takes the
 * state back to them (their update files' `reverse`) lives in this process's
 * memory only, so the chain back stops at the version running now.
 */
export function forwardStart(runtime: Runtime, request: Extract<Request, { type: 'handoff' }>): HandoffStart {
  // A `call` check is not kept: the version gone back to may never call ready().
  const restart: Restart = { node: process.execPath, graceMs: request.graceMs, ...(request.ready === undefined || request.ready === 'call' ? {} : { ready: request.ready }) };
  const before = runtime.previous.every((v) => v.restart !== undefined) ? runtime.previous.flatMap(earlierOf) : [];
  return { earlier: [...before, ...earlierOf({ ...runtime.current, info: runtime.info().version, restart })] };
}

/** A hand-off back's new process: the versions before the one it returns to. */
export function backStart(runtime: Runtime, target: VersionRecord, reverseFile: string | undefined): HandoffStart {
  const back = { left: runtime.graph.root, ...(reverseFile === undefined ? {} : { reverseFile }), ...(target.specFile === undefined ? {} : { specFile: target.specFile }) };
  return { earlier: runtime.previous.slice(0, -1).flatMap(earlierOf), back };
}

function earlierOf(v: VersionRecord): EarlierVersion[] {
  if (!v.restart) return [];
  return [{ info: v.info, restart: v.restart, ...(v.specFile === undefined ? {} : { specFile: v.specFile }) }];
}

/** In the new process: the earlier versions as rollback targets, newest last. */
export function earlierRecords(start: HandoffStart): VersionRecord[] {
  return start.earlier.map((e) => ({ info: e.info, spec: undefined, files: new Map(), restart: e.restart, ...(e.specFile === undefined ? {} : { specFile: e.specFile }) }));
}

/** HANDOFF_ENV's value, read by `baton run`; a value it cannot read starts with no earlier versions. */
export function parseStart(value: string): HandoffStart {
  try {
    const start = JSON.parse(value) as HandoffStart;
    if (Array.isArray(start.earlier)) return start;
  } catch {
    // Set by baton only; an unreadable value loses the way back, not the hand-off.
  }
  return { earlier: [] };
}
