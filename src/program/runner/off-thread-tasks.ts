import { outlineSkeleton, type SkeletonOutline } from '../../compare/skeleton-outline.js';
import { scanUpdateFileText } from '../../compare/update-file-scan.js';
import { compilerIdentity } from './compiler-identity.js';

/**
 * Work an update hands to the compile thread besides compiling
 * (compile-pool.ts, `runOffThread`): parsing with acorn (and esbuild for the
 * update file), which on the program's thread ran cold on a first update.
 * Inputs and results are plain data (structured clone).
 */
export const OFF_THREAD_TASKS = {
  /** Skeletons' outlines; undefined for one that does not parse (the caller's own parse then says why). */
  outline: (skeletons: readonly string[]): Array<SkeletonOutline | undefined> => skeletons.map(outlineOrUndefined),
  /** What an update file's `defineUpdate` literal says, read without running it. */
  'scan-update-file': scanUpdateFileText,
  /** The compiler's identity (compiler-identity.ts): a module the CLI compiled is used only under the same one. */
  'compiler-identity': (_: null): string => compilerIdentity(),
};

export type OffThreadTasks = typeof OFF_THREAD_TASKS;

function outlineOrUndefined(skeleton: string): SkeletonOutline | undefined {
  try {
    return outlineSkeleton(skeleton);
  } catch {
    return undefined;
  }
}
