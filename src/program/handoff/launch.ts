import type { Server } from 'node:net';

/**
 * How this process was started, kept by `baton run` before it rewrites
 * `process.argv` for the program: a hand-off starts the new version the
 * same way (same baton script, node flags and program arguments).
 */
export interface Launch {
  /** The baton script node ran (bin/baton.js). */
  readonly script: string;
  readonly execArgv: readonly string[];
  /** The program's own arguments (after the entry). */
  readonly args: readonly string[];
  /** The control server, which a hand-off closes once the new process has its own. */
  readonly control: Server;
  /** Removes the control socket this process made. */
  readonly removeSocket: () => void;
}

let launch: Launch | undefined;

export function rememberLaunch(value: Launch): void {
  launch = value;
}

export function launchOf(): Launch | undefined {
  return launch;
}

/** The environment variable that tells `baton run` it is the new process of a hand-off, and what it came from (lineage.ts). */
export const HANDOFF_ENV = 'BATON_HANDOFF_CHILD';
