import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { BatonError } from '../protocol/errors.js';
import { Runtime } from './update/runtime.js';
import { startControlServer } from './control/server.js';
import { socketPathFor } from '../protocol/socket-dir.js';
import { installStackTraces } from './runner/stack-traces.js';
import { failAsNodeWould } from './uncaught.js';
import { HANDOFF_ENV, rememberLaunch } from './handoff/launch.js';
import { warmUpdatePathLater } from './update/warm-up.js';

/**
 * `baton run`: the program runs in this very process, so exit codes, stdio
 * and signals are those of `node` running it.
 */
export async function runCommand(entry: string, name: string | undefined, args: readonly string[]): Promise<void> {
  const file = resolve(entry);
  if (!existsSync(file)) throw new BatonError('E_USAGE', `cannot find ${entry}`, 'give the path of the program entry, e.g. `baton run src/server.ts`');
  if (statSync(file).isDirectory()) throw new BatonError('E_USAGE', `${entry} is a directory`, 'give the program\'s entry file in it, e.g. `baton run src/server.ts`');
  // App code's traces are mapped by baton (one frame per call, patched bodies too); other code's by Node.
  process.setSourceMapsEnabled(true);
  installStackTraces();
  const script = process.argv[1]!;
  process.argv = [process.argv[0]!, file, ...args];
  const socket = socketPathFor(process.pid);
  const runtime = new Runtime(name ?? basename(dirname(file)), file, socket);
  const control = async () => {
    const { server, remove } = await startControlServer(socket, (request) => runtime.handle(request));
    rememberLaunch({ script, execArgv: process.execArgv, args, control: server, removeSocket: remove });
  };
  // The new process of a hand-off: it serves, and takes the control name, only once the old one lets go.
  const handoff = process.env[HANDOFF_ENV] !== undefined && process.send ? await handoffChild(process.env[HANDOFF_ENV]) : undefined;
  if (handoff) {
    delete process.env[HANDOFF_ENV];
    handoff.intercept();
  } else await control();
  try {
    await runtime.start();
    // The first update should not pay for loading its own machinery (update/warm-up.ts).
    warmUpdatePathLater(file);
    await handoff?.takeOver(runtime, control);
  } catch (error) {
    // baton's own refusals (a syntax error, a missing import) are rendered as baton errors.
    if (error instanceof BatonError) throw error;
    // Anything else was thrown by the program's own top level: the program's error, not baton's.
    failAsNodeWould(error);
  }
}

/** The new process of a hand-off, told what it came from (handoff/lineage.ts). */
async function handoffChild(start: string) {
  const [{ HandoffChild }, { parseStart }] = await Promise.all([import('./handoff/child.js'), import('./handoff/lineage.js')]);
  return new HandoffChild(parseStart(start));
}
