import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { BatonError } from '../protocol/errors.js';
import { Runtime } from './update/runtime.js';
import { startControlServer } from './control/server.js';
import { socketPathFor } from '../protocol/socket-dir.js';
import { installStackTraces } from './runner/stack-traces.js';

/**
 * `baton run`: the program runs in this very process, so exit codes, stdio
 * and signals are those of `node` running it.
 */
export async function runCommand(entry: string, name: string | undefined, args: readonly string[]): Promise<void> {
  const file = resolve(entry);
  if (!existsSync(file)) throw new BatonError('E_USAGE', `cannot find ${entry}`, 'give the path of the program entry, e.g. `baton run src/server.ts`');
  // App code's traces are mapped by baton (one frame per call, patched bodies too); other code's by Node.
  process.setSourceMapsEnabled(true);
  installStackTraces();
  process.argv = [process.argv[0]!, file, ...args];
  const socket = socketPathFor(process.pid);
  const runtime = new Runtime(name ?? basename(dirname(file)), file, socket);
  await startControlServer(socket, (request) => runtime.handle(request));
  try {
    await runtime.start();
  } catch (error) {
    // baton's own failures (a module it cannot find or compile) are rendered as baton errors.
    if (error instanceof BatonError) throw error;
    // The program's own uncaught error: reported as Node reports one (its
    // stack, in the program's source lines, exit code 1), not as baton's.
    process.nextTick(() => {
      throw error;
    });
  }
}
