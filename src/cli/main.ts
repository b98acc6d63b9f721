import { parseArgs } from 'node:util';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BatonError, toErrorData } from '../protocol/errors.js';
import { COMMANDS, helpText, type CommandName, type OptionSpec } from './commands.js';
import { renderError } from './render.js';

export async function main(argv: readonly string[]): Promise<void> {
  try {
    const code = await dispatch(argv);
    if (code !== undefined) process.exitCode = code;
  } catch (error) {
    const data = toErrorData(error);
    // `--json` asks for JSON on stdout, errors included.
    if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ status: 'error', error: data }, null, 2)}\n`);
    else process.stderr.write(`${renderError(data)}\n`);
    process.exitCode = exitCodeOfError(error);
  }
}

/** 64 for usage, 2 for a refusal (nothing was touched: the program is busy or has nothing to return to), 1 otherwise. */
function exitCodeOfError(error: unknown): number {
  if (!(error instanceof BatonError)) return 1;
  if (error.code === 'E_USAGE') return 64;
  return error.code === 'E_BUSY' || error.code === 'E_NO_PREVIOUS' ? 2 : 1;
}

async function dispatch(argv: readonly string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${helpText()}\n`);
    return command === undefined ? 64 : 0;
  }
  if (command === '--version') {
    process.stdout.write('0.1.0\n');
    return 0;
  }
  if (!(command in COMMANDS)) throw new BatonError('E_USAGE', `unknown command '${command}'`, 'run `baton --help` for the list');
  const name = command as CommandName;
  // For `run`, everything after the entry belongs to the program.
  const own = name === 'run' ? splitRunArgs(rest) : { mine: rest, theirs: [] as string[] };
  const { values, positionals } = parse(name, own.mine);
  const flag = (k: string) => values[k] === true;
  const text = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const need = (n: number) => {
    if (positionals.length !== n) throw new BatonError('E_USAGE', `expected ${n} argument(s), got ${positionals.length}`, `usage: ${COMMANDS[name].usage}`);
    return positionals;
  };
  switch (name) {
    case 'run': {
      const [entry] = need(1);
      const { runCommand } = await import('../program/run.js');
      await runCommand(entry!, text('name'), own.theirs);
      return undefined;
    }
    case 'update': {
      const [target, dir] = need(2);
      const full = existingDir(dir!);
      if (flag('handoff')) {
        const { handoffRequest } = await import('./handoff-options.js');
        const request = handoffRequest(full, { dryRun: flag('dry-run'), timeoutMs: text('timeout') === undefined ? 30_000 : timeoutOf(text('timeout')), node: text('node'), ready: text('ready'), grace: text('grace') });
        return (await import('./remote.js')).sendHandoff(target!, request, flag('json'), !flag('no-check'));
      }
      for (const only of ['node', 'ready', 'grace']) {
        if (text(only) !== undefined) throw new BatonError('E_USAGE', `--${only} goes with --handoff`, `add --handoff to run the new version in a new process, or drop --${only}`);
      }
      const { sendUpdate } = await import('./remote.js');
      return sendUpdate(target!, { type: 'update', dir: full, dryRun: flag('dry-run'), timeoutMs: timeoutOf(text('timeout')), allowDependencyChange: flag('allow-dependency-change') }, flag('json'), !flag('no-check'));
    }
    case 'rollback': {
      const [target] = need(1);
      const { sendUpdate } = await import('./remote.js');
      const file = text('update-file');
      if (file !== undefined && !(existsSync(file) && statSync(file).isFile())) {
        throw new BatonError('E_USAGE', `--update-file ${file} is not a file`, 'Pass the transformer file whose `reverse: { ... }` section takes the current state back.');
      }
      const updateFile = file === undefined ? {} : { updateFile: resolve(file) };
      // Only the program knows whether its previous version ran in an earlier process (then the rollback is a hand-off back).
      const { rollbackHandoff } = await import('./handoff-options.js');
      const handoff = rollbackHandoff({ timeoutMs: text('timeout') === undefined ? 30_000 : timeoutOf(text('timeout')), ready: text('ready'), grace: text('grace') });
      return sendUpdate(target!, { type: 'rollback', dryRun: flag('dry-run'), timeoutMs: timeoutOf(text('timeout')), ...updateFile, handoff }, flag('json'), false);
    }
    case 'ls':
      need(0);
      return (await import('./remote.js')).lsCommand(flag('json'));
    case 'status': {
      const [target] = need(1);
      return (await import('./remote.js')).statusCommand(target!, flag('json'));
    }
    case 'diff': {
      const [oldDir, newDir] = need(2).map(existingDir);
      const { diffCommand } = await import('./diff.js');
      return diffCommand({ oldDir: oldDir!, newDir: newDir!, json: flag('json'), stubs: flag('stubs'), handoff: flag('handoff') });
    }
    case 'check': {
      const [oldDir, newDir] = need(2).map(existingDir);
      const { checkCommand } = await import('./check.js');
      return checkCommand({ oldDir: oldDir!, newDir: newDir!, json: flag('json') });
    }
  }
}

function parse(name: CommandName, args: string[]) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [k, o] of Object.entries(COMMANDS[name].options) as Array<[string, OptionSpec]>) options[k] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new BatonError('E_USAGE', (error as Error).message, `usage: ${COMMANDS[name].usage}`);
  }
}

/** `baton run [opts] entry [--] args`: options stop at the entry. */
function splitRunArgs(args: string[]): { mine: string[]; theirs: string[] } {
  const mine: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--name') {
      mine.push(a, args[++i] ?? '');
      continue;
    }
    if (a.startsWith('--name=')) {
      mine.push(a);
      continue;
    }
    mine.push(a);
    const rest = args.slice(i + 1);
    return { mine, theirs: rest[0] === '--' ? rest.slice(1) : rest };
  }
  return { mine, theirs: [] };
}

function existingDir(dir: string): string {
  const full = resolve(dir);
  if (!existsSync(full) || !statSync(full).isDirectory()) throw new BatonError('E_BAD_DIR', `${dir} is not a directory`, 'give the directory that holds the version, laid out like the running one');
  return full;
}

function timeoutOf(value: string | undefined): number {
  if (value === undefined) return 5000;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new BatonError('E_USAGE', `--timeout must be a number of milliseconds, not '${value}'`, 'e.g. --timeout 10000');
  return n;
}
