import type { ErrorData } from './errors.js';
import type { ChangedFunction } from '../compare/compare-module.js';
import type { VersionInfo } from './messages.js';

/** What happened to one module in an update. */
export interface ModuleReport {
  readonly id: string;
  /** state: the module keeps its code, a transformer changed its state in place. */
  readonly mechanism: 'patch' | 'live' | 'blocked' | 'added' | 'removed' | 'state';
  readonly functions: readonly ChangedFunction[];
  readonly reasons: readonly string[];
  /** Top-level bindings: how each got its value in the new version. */
  readonly bindings: readonly BindingReport[];
  readonly classes: readonly ClassReport[];
}

export interface BindingReport {
  readonly name: string;
  readonly how: 'carried' | 'transformed' | 'fresh' | 'dropped';
  /** Why a binding present in both versions was not carried. */
  readonly note?: string;
}

export interface ClassReport {
  readonly name: string;
  readonly instances: number;
  readonly mode: 'methods' | 'eager' | 'lazy';
}

export interface Timing {
  /** The longest stretch the update blocked the program's event loop, prepare and commit alike, in ms. */
  readonly pauseMs: number;
  /** The synchronous commit alone (patches, namespace swaps, migrations), in ms. */
  readonly commitMs: number;
  /** Wall time from request to outcome, in ms. */
  readonly totalMs: number;
}

/**
 * Where the new version's modules were compiled: by the CLI before the
 * request (precompiled.ts), or by the program during the update (every
 * module the CLI did not send, or sent compiled from other inputs than the
 * program's). Module ids; unchanged modules are compiled by neither.
 */
export interface CompiledBy {
  readonly cli: readonly string[];
  readonly program: readonly string[];
}

/** An update's outcome: data, rendered for people in one place (cli/render.ts). */
export type UpdateOutcome =
  | {
      readonly status: 'applied';
      readonly from: VersionInfo;
      readonly to: VersionInfo;
      readonly modules: readonly ModuleReport[];
      readonly warnings: readonly string[];
      readonly timing: Timing;
      readonly compiled?: CompiledBy;
    }
  | {
      readonly status: 'planned';
      readonly from: VersionInfo;
      readonly modules: readonly ModuleReport[];
      readonly warnings: readonly string[];
      readonly compiled?: CompiledBy;
    }
  | {
      /** Checked and turned down before anything was touched. */
      readonly status: 'refused';
      readonly from: VersionInfo;
      readonly reason: ErrorData;
      readonly modules: readonly ModuleReport[];
    }
  | {
      /** Started, failed, and undone: the old version runs on its old state. */
      readonly status: 'aborted';
      readonly from: VersionInfo;
      readonly reason: ErrorData;
      readonly modules: readonly ModuleReport[];
      readonly timing: Timing;
    };
