/** The CLI's commands and options as data: parsing and `--help` both come from here. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly description: string;
}

export interface CommandSpec {
  readonly usage: string;
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
}

const json: OptionSpec = { type: 'boolean', description: 'print the outcome as JSON' };
const timeout: OptionSpec = { type: 'string', description: 'deadline of each phase of the update, in ms (default 5000, 30000 with --handoff, where starting a process is a phase; the whole update at most 2 minutes)' };

export const COMMANDS = {
  run: { usage: 'baton run [--name N] <entry> [-- args]', description: 'run a TypeScript or JavaScript program with live updates enabled', options: { name: { type: 'string', description: 'the name `baton ls` shows and targets use (default: the entry directory name)' } } },
  update: {
    usage: 'baton update <target> <new-version-dir> [--dry-run] [--timeout ms] [--json] [--no-check] [--allow-dependency-change] [--handoff [--node path] [--ready tcp:PORT|URL|call] [--grace ms]]',
    description: 'update a running program to the version in a directory, keeping its state',
    options: {
      'dry-run': { type: 'boolean', description: 'plan against the running code, change nothing' },
      timeout,
      json,
      'no-check': { type: 'boolean', description: 'skip the type check of the update' },
      'allow-dependency-change': { type: 'boolean', description: 'apply although a package resolves to another version (objects the old package created keep its code)' },
      handoff: { type: 'boolean', description: 'run the new version in a new process that takes over the state, listening sockets and idle connections (for what cannot change in place: a dependency\'s major version, Node itself, native addons)' },
      node: { type: 'string', description: 'with --handoff: the Node.js binary the new process runs on' },
      ready: { type: 'string', description: 'with --handoff: readiness check the new process must pass within the grace period (tcp:PORT, an http:// URL on loopback, or call: the program calls ready() from baton-dsu)' },
      grace: { type: 'string', description: 'with --handoff: how long the new process must stay up after it serves before the old one lets go, in ms (default 2000)' },
    },
  },
  rollback: {
    usage: 'baton rollback <target> [--update-file F] [--timeout ms] [--json] [--ready tcp:PORT|URL|call] [--grace ms]',
    description: 'return a running program to the version before its last update (after a hand-off: a hand-off back to a new process of that version)',
    options: {
      timeout,
      json,
      'dry-run': { type: 'boolean', description: 'plan only' },
      'update-file': { type: 'string', description: 'a transformer file whose `reverse: { ... }` takes the current state back (when the running version has none)' },
      ready: { type: 'string', description: 'after a hand-off: readiness check of the previous version\'s new process (default: the hand-off\'s own, unless it was call)' },
      grace: { type: 'string', description: 'after a hand-off: how long the previous version\'s new process must stay up, in ms (default: the hand-off\'s own)' },
    },
  },
  ls: { usage: 'baton ls [--json]', description: 'list running programs', options: { json } },
  status: { usage: 'baton status <target> [--json]', description: 'show one running program and its update history', options: { json } },
  diff: { usage: 'baton diff <old-dir> <new-dir> [--json] [--stubs] [--handoff]', description: 'show what an update would do, without a running program', options: { json, stubs: { type: 'boolean', description: 'write typed transformer stubs into <new-dir>/baton.update.ts' }, handoff: { type: 'boolean', description: 'also name the state a hand-off could not move to a new process' } } },
  check: { usage: 'baton check <old-dir> <new-dir> [--json]', description: 'type-check an update and its transformers against both versions', options: { json } },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export function helpText(): string {
  const lines = ['baton: update a running TypeScript program without restarting it', '', 'Commands:'];
  for (const spec of Object.values(COMMANDS)) {
    lines.push(`  ${spec.usage}`, `      ${spec.description}`);
    for (const [name, o] of Object.entries(spec.options) as Array<[string, OptionSpec]>) lines.push(`      --${name}${o.type === 'string' ? ' <value>' : ''}  ${o.description}`);
  }
  lines.push('', 'A target is a program name, a pid or a control socket path (see `baton ls`).');
  return lines.join('\n');
}
