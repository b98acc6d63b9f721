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
 * All-or-nothing LiveEdit across scripts, in one synchronous stretch: dry-run
 * every script, then apply them all; if one fails, put back the ones already
 * patched. `then` runs inside the same stretch (the rest of a commit that must
 * be seen together with the patch); if it throws, the patches are undone.
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
    const blocked: string[] = [];
    for (const p of patches) {
      const dry = editor.setSource(p.url, p.oldSource, p.newSource, true);
      if (BLOCKED.has(dry.status)) blocked.push(p.id);
      else if (dry.status !== 'Ok') return { kind: 'failed', id: p.id, result: dry, pauseMs: elapsed() };
    }
    if (blocked.length > 0) return { kind: 'blocked', blocked, pauseMs: elapsed() };
    if (then === 'dry-run-only') return { kind: 'applied', pauseMs: elapsed() };
    const done: ScriptPatch[] = [];
    for (const p of patches) {
      const result = editor.setSource(p.url, p.oldSource, p.newSource, false);
      if (result.status !== 'Ok') {
        restore(editor, done);
        return { kind: 'failed', id: p.id, result, pauseMs: elapsed() };
      }
      done.push(p);
    }
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
