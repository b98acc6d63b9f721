import type { ErrorData } from './errors.js';
import type { BindingReport } from './outcome.js';
import type { VersionInfo } from './messages.js';

/**
 * A hand-off's steps, in order, each with its duration: the state is walked
 * for what cannot cross while the program still serves (`check`: it blocks
 * the event loop that long), the new process starts and loads (`start`), the old one stops accepting and lets in-flight
 * work settle (`quiesce`), the state crosses (`transfer`), the new process
 * adopts the listening sockets and connections (`install`), then must pass
 * its readiness check (`ready`) and stay up for the grace period (`grace`).
 */
export type HandoffStepName = 'check' | 'start' | 'quiesce' | 'transfer' | 'install' | 'ready' | 'grace';

export interface HandoffStep {
  readonly name: HandoffStepName;
  readonly ms: number;
}

/** The state that crossed: how each binding got its value in the new process, and what it cost. */
export interface TransferReport {
  readonly bindings: ReadonlyArray<{ readonly module: string } & BindingReport>;
  /** Serialized size, bytes. */
  readonly bytes: number;
  /** Class instances revived as instances of the new version's classes. */
  readonly instances: number;
  readonly serializeMs: number;
  /** Writing the bytes to the new process and reading them there. */
  readonly sendMs: number;
  /** Deserializing, reviving classes, running transformers and writing bindings in the new process. */
  readonly restoreMs: number;
  /** bytes / (serialize + send + restore), in MB/s (10^6 bytes). */
  readonly rateMBps: number;
}

/** A value of the running program that cannot cross to another process, with where it is. */
export interface Untransferable {
  readonly module: string;
  readonly binding: string;
  /** Where inside the binding's value (`[0].get("k").cb`), empty for the value itself. */
  readonly path: string;
  readonly what: string;
}

export type HandoffOutcome =
  | {
      readonly status: 'applied';
      /** A hand-off back to the version before (`baton rollback`), through the reverse transformers. */
      readonly rollback?: boolean;
      readonly from: VersionInfo;
      readonly to: VersionInfo;
      /** The process that runs the program now. */
      readonly pid: number;
      /** The old process, which stays as a thin parent (see ARCHITECTURE.md, "Process hand-off"). */
      readonly parentPid: number;
      readonly node: string;
      readonly steps: readonly HandoffStep[];
      /** From the moment the old process stopped serving to the moment the new one served. */
      readonly pauseMs: number;
      readonly transfer: TransferReport;
      readonly connections: { readonly passed: number; readonly closed: number };
      readonly warnings: readonly string[];
    }
  | {
      readonly status: 'planned';
      readonly from: VersionInfo;
      /** Bindings that would cross, and what could not. */
      readonly bindings: number;
      readonly untransferable: readonly Untransferable[];
    }
  | { readonly status: 'refused'; readonly from: VersionInfo; readonly reason: ErrorData }
  | {
      /** Started, failed, undone: the new process was stopped and the old one serves on its old state. */
      readonly status: 'aborted';
      readonly from: VersionInfo;
      readonly reason: ErrorData;
      readonly steps: readonly HandoffStep[];
    };
