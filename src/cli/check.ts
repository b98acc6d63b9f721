import { relative } from 'node:path';
import type { CheckProblem, CheckResult } from '../typeplan/check-update.js';
import { useProjectTypeScript } from '../typeplan/use-typescript.js';

export type { CheckProblem, CheckResult };

export const usage = `baton check <old-dir> <new-dir> [--json]

  Type-checks the new version and its baton.update.ts against the old
  version's types and the new ones, with the project's own TypeScript and
  tsconfig: transformers whose input is not the old type or whose output is
  not the new type, transformers that mutate their input or return a
  promise, state whose type changed with no transformer, transformers for
  state that did not change, and type errors the new version introduces
  (errors the old version has too are reported as pre-existing and do not
  block). Exits 0 only when the update is complete and type-correct;
  \`baton update\` runs the same check first.

  --json   print the result as JSON`;

/**
 * The check, with the compiler the project uses: chosen before the checker
 * loads (the checker imports \`typescript\` once per process).
 */
export async function checkUpdate(oldDir: string, newDir: string): Promise<CheckResult> {
  useProjectTypeScript(newDir, oldDir);
  const { checkUpdate: check } = await import('../typeplan/check-update.js');
  return check(oldDir, newDir);
}

/** \`baton check\`: 0 when the update passes, 1 when it does not (problems on stdout). */
export async function checkCommand(args: { oldDir: string; newDir: string; json: boolean }): Promise<number> {
  const result = await checkUpdate(args.oldDir, args.newDir);
  if (args.json) {
    const { plan, ...rest } = result;
    process.stdout.write(JSON.stringify({ ...rest, transformers: plan.transformers, timings: plan.timings }, null, 2) + '\n');
  } else {
    process.stdout.write(renderCheck(result));
  }
  return result.kind === 'passed' ? 0 : 1;
}

/** The check's outcome for people: one `file:line: message` per problem, then what to do. */
export function renderCheck(result: CheckResult): string {
  const compiler = `TypeScript ${result.compiler.version}${result.compiler.source === 'baton' ? ` (baton's own: ${result.compiler.note ?? 'none in the project'})` : ''}`;
  const pre = result.preExisting.length;
  const preLine = pre
    ? `${result.preExisting.map((p) => `${display(p.file)}:${p.line}: pre-existing: ${p.message}`).join('\n')}\n${pre} pre-existing error${pre === 1 ? '' : 's'} (the old version has ${pre === 1 ? 'it' : 'them'} too): reported, not blocking.\n`
    : '';
  if (result.kind === 'passed') {
    const n = result.transformersChecked;
    return `${preLine}baton check: passed (${n} transformer${n === 1 ? '' : 's'} checked against both versions, ${compiler}, ${result.ms} ms)\n`;
  }
  const lines = result.problems.map((p: CheckProblem) => `${display(p.file)}:${p.line}: ${p.kind}: ${p.message}`);
  const n = result.problems.length;
  return `${preLine}${lines.join('\n')}\nbaton check: failed with ${n} problem${n === 1 ? '' : 's'} (${compiler}, ${result.ms} ms). Fix them and run it again; \`baton update\` refuses this update until it passes (or --no-check).\n`;
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}
