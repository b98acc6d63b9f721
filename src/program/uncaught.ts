import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';

/**
 * An error thrown by the program's own top level is the program's, not
 * baton's: it goes where node sends an uncaught error. With handlers of the
 * program's ('uncaughtException'), it is rethrown so they get it exactly as
 * under node. Without, it is printed as node prints it (the line it came
 * from, the trace, `Node.js vX`) and the process exits with 1. (A plain
 * rethrow would make node point its caret at baton's rethrow.)
 */
export function failAsNodeWould(error: unknown): void {
  if (process.listenerCount('uncaughtException') > 0) {
    process.nextTick(() => {
      throw error;
    });
    return;
  }
  (process as NodeJS.EventEmitter).emit('uncaughtExceptionMonitor', error, 'uncaughtException');
  process.stderr.write(`${report(error)}\n`);
  process.exit(1);
}

function report(error: unknown): string {
  const body = inspect(error);
  if (!(error instanceof Error)) return `${body}\n(Use \`node --trace-uncaught ...\` to show where the exception was thrown)\n\nNode.js ${process.version}`;
  const where = sourceLine(error.stack ?? '');
  return `${where ? `${where}\n\n` : ''}${body}\n\nNode.js ${process.version}`;
}

/** `file:line`, the line and a caret under the column of the trace's first frame, as node shows it. */
function sourceLine(stack: string): string | undefined {
  const frame = /^\s+at (?:.*?\()?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/m.exec(stack);
  if (!frame) return undefined;
  const [, file, line, column] = frame;
  try {
    const text = readFileSync(file!.startsWith('file://') ? new URL(file!) : file!, 'utf8').split('\n')[Number(line) - 1];
    if (text === undefined) return undefined;
    return `${file}:${line}\n${text}\n${' '.repeat(Math.max(0, Number(column) - 1))}^`;
  } catch {
    return undefined;
  }
}
