import { LiveEdit, type PatchResult } from './live-edit.js';

/** One script to patch: where V8 has it, what it holds now, what it should hold. */
export interface ScriptPatch {
  readonly id: string;
  readonly url: string;
  readonly oldSource: string;
  readonly newSource: string;
}

export type PatchAttempt =
  | { readonly kind: 'applied'; readonly pauseMs: number }
  | { readonly kind: 'blocked'; readonly blocked: readonly string[]; readonly pauseMs: number }
  | { readonly kind: 'failed'; readonly id: string; readonly result: PatchResult; readonly pauseMs: number };

const BLOCKED = new Set(['BlockedByActiveGenerator', 'BlockedByActiveFunction']);

/**
 * All-or-nothing LiveEdit across scripts, in one synchronous stretch. V8
 * walks the whole heap for every setScriptSource call (to find the closures
 * to update and the suspended generators that block it), so each script is
 * patched with one call: a failure part-way puts back the scripts already
 * patched. A dry run alone (`'dry-run-only'`) is used to wait for quiescence
 * before a reload is prepared. `then` runs inside the same stretch (the rest
 * of a commit that must be seen together with the patch); if it throws, the
 * patches are undone.
 */
export function patchAll(patches: readonly ScriptPatch[], then: (() => void) | 'dry-run-only'): PatchAttempt {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  if (patches.length === 0) {
    if (then !== 'dry-run-only') then();
    return { kind: 'applied', pauseMs: elapsed() };
  }
  const editor = new LiveEdit();
  editor.open();
  try {
    const dryRun = then === 'dry-run-only';
    const blocked: string[] = [];
    const done: ScriptPatch[] = [];
    for (const p of patches) {
      const result = editor.setSource(p.url, p.oldSource, p.newSource, dryRun);
      if (result.status === 'Ok') {
        if (!dryRun) done.push(p);
        continue;
      }
      if (dryRun && BLOCKED.has(result.status)) {
        blocked.push(p.id);
        continue;
      }
      restore(editor, done);
      return BLOCKED.has(result.status) ? { kind: 'blocked', blocked: [p.id], pauseMs: elapsed() } : { kind: 'failed', id: p.id, result, pauseMs: elapsed() };
    }
    if (blocked.length > 0) return { kind: 'blocked', blocked, pauseMs: elapsed() };
    if (dryRun) return { kind: 'applied', pauseMs: elapsed() };
    try {
      then();
    } catch (error) {
      restore(editor, done);
      throw error;
    }
    return { kind: 'applied', pauseMs: elapsed() };
  } finally {
    editor.close();
  }
}

function restore(editor: LiveEdit, done: readonly ScriptPatch[]): void {
  for (const p of [...done].reverse()) editor.setSource(p.url, p.newSource, p.oldSource, false);
}
