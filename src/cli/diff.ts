import { join } from 'node:path';
import { withPath } from '../protocol/errors.js';
import { UPDATE_FILE } from '../program/state/update-spec.js';
import { useProjectTypeScript } from '../typeplan/use-typescript.js';
import { renderHandoffState } from './render.js';

export const usage = `baton diff <old-dir> <new-dir> [--json] [--stubs] [--handoff]

  Shows what an update from <old-dir> to <new-dir> would do, with no running
  process: per module unchanged / patch / live / blocked / added / removed; per class
  and top-level binding how its state changes (types from the project's own
  TypeScript and tsconfig); the transformers still missing; the risks.

  --json   print the plan as JSON
  --stubs  write typed stubs for the missing transformers, and reverse ones
           for rollback, into <new-dir>/baton.update.ts (created, or extended)
  --handoff  also name the state a hand-off (\`baton update --handoff\`) could
           not move to a new process, with file and binding`;

/**
 * \`baton diff\`: returns the exit code (0 when the plan was made). Errors a
 * user can act on (a directory that does not exist) are thrown as BatonError
 * for the CLI's reporter.
 */
export async function diffCommand(args: { oldDir: string; newDir: string; json: boolean; stubs: boolean; handoff?: boolean }): Promise<number> {
  // The checker imports `typescript` once per process: the project's, chosen before it loads.
  useProjectTypeScript(args.newDir, args.oldDir);
  const { planWithTypes } = await import('../typeplan/plan-update.js');
  const { renderPlan } = await import('../typeplan/render-plan.js');
  const { writeStubs } = await import('../typeplan/stubs.js');
  const ctx = await planWithTypes(args.oldDir, args.newDir);
  const stubs = args.stubs ? await writeStubs(ctx).catch((error: unknown) => Promise.reject(withPath(error, join(args.newDir, UPDATE_FILE)))) : undefined;
  const handoff = args.handoff === true ? (await import('../typeplan/handoff-state.js')).untransferableTypes(ctx, await (await import('../compare/update-file-scan.js')).reinitInFile(args.newDir)) : undefined;
  if (args.json) {
    const planned = handoff ? { ...ctx.plan, handoff: { untransferable: handoff } } : ctx.plan;
    const out = stubs ? { ...planned, stubs: { file: stubs.file, added: stubs.added.length, reverse: stubs.reverse, todos: stubs.todos, notes: stubs.notes } } : planned;
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(renderPlan(ctx.plan));
  if (handoff) process.stdout.write(renderHandoffState(handoff));
  if (stubs) {
    const reverse = stubs.reverse ? ` and ${stubs.reverse} reverse stub${stubs.reverse === 1 ? '' : 's'} (for rollback)` : '';
    process.stdout.write(
      stubs.added.length
        ? `\nWrote ${stubs.added.length} transformer stub${stubs.added.length === 1 ? '' : 's'}${reverse} to ${stubs.file}: ${stubs.todos} conversion${stubs.todos === 1 ? '' : 's'} to write (marked TODO), ${stubs.notes.length} filled in.\nNext: edit it, then \`baton check ${args.oldDir} ${args.newDir}\`.\n`
        : `\nNo transformer missing: ${stubs.file} left as it was.\n`,
    );
  }
  return 0;
}
