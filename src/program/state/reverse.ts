import type { ErrorData } from '../../protocol/errors.js';
import type { UpdateSpec } from './update-spec.js';

/**
 * What a rollback must transform back: every binding and class the update
 * file that brought the current version transformed, and its program hook.
 * One rule for the in-process rollback (update/update.ts) and the hand-off
 * back (handoff/rollback.ts).
 */
export function needsReverse(spec: UpdateSpec | undefined): string[] {
  if (!spec) return [];
  const out: string[] = [];
  for (const [id, b] of Object.entries(spec.bindings ?? {})) for (const name of Object.keys(b)) out.push(`${id}:${name}`);
  for (const [id, c] of Object.entries(spec.classes ?? {})) for (const name of Object.keys(c)) out.push(`${id}:${name}`);
  if (spec.program) out.push('the program hook');
  return out;
}

/** The refusal of a rollback whose current version transformed `missing` and gave no reverse. */
export function noReverse(missing: readonly string[]): ErrorData {
  return {
    code: 'E_NO_REVERSE',
    message: `the current version transformed ${missing.join(', ')} and its baton.update.ts has no reverse transformers`,
    hint: 'write a file with `reverse: { ... }` transformers for them (`baton diff --stubs <old> <new>` writes stubs) and pass it: `baton rollback <target> --update-file <file>`; or update forward to a fixed version instead',
  };
}

/** The refusal of `rollback --update-file F` when F has no reverse section. */
export function noReverseSection(file: string): ErrorData {
  return { code: 'E_NO_REVERSE', message: `${file} has no \`reverse: { ... }\` section`, hint: 'add one (`baton diff --stubs` writes reverse stubs beside the forward ones), then run the rollback again' };
}
