import { relative } from 'node:path';
import { checkUpdate, type CheckProblem, type CheckResult } from '../typeplan/check-update.js';

export { checkUpdate };
export type { CheckProblem, CheckResult };

export const usage = `baton check <old-dir> <new-dir> [--json]

  Type-checks the new version and its baton.update.ts against the old
  version's types and the new ones: transformers whose input is not the old
  type or whose output is not the new type, state whose type changed with no
  transformer, transformers for state that did not change, and ordinary type
  errors in the new version. Exits 0 only when the update is complete and
  type-correct; \`baton update\` runs the same check first.

  --json   print the result as JSON`;

/** \`baton check\`: 0 when the update passes, 1 when it does not (problems on stdout). */
export async function checkCommand(args: { oldDir: string; newDir: string; json: boolean }): Promise<number> {
  const result = await checkUpdate(args.oldDir, args.newDir);
  if (args.json) {
    const { plan, ...rest } = result;
    process.stdout.write(JSON.stringify({ ...rest, transformers: plan.transformers }, null, 2) + '\n');
  } else {
    process.stdout.write(renderCheck(result));
  }
  return result.kind === 'passed' ? 0 : 1;
}

/** The check's outcome for people: one `file:line: message` per problem, then what to do. */
export function renderCheck(result: CheckResult): string {
  if (result.kind === 'passed') {
    const n = result.transformersChecked;
    return `baton check: passed (${n} transformer${n === 1 ? '' : 's'} checked against both versions, ${result.ms} ms)\n`;
  }
  const lines = result.problems.map((p: CheckProblem) => `${display(p.file)}:${p.line}: ${p.kind}: ${p.message}`);
  const n = result.problems.length;
  return `${lines.join('\n')}\nbaton check: failed with ${n} problem${n === 1 ? '' : 's'} (${result.ms} ms). Fix them and run it again; \`baton update\` refuses this update until it passes (or --no-check).\n`;
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}
