import { hasOutline, keepOutline } from '../../compare/skeleton-outline.js';
import { readUpdateFile, scanUpdateFileText, type UpdateFileScan } from '../../compare/update-file-scan.js';
import { runOffThread } from '../runner/compile-pool.js';

/**
 * The parses an update needs before it compares (acorn, and esbuild for the
 * update file), done on the compile thread. On the program's thread they ran
 * cold on a first update: in CPU profiles of bench/reload-pause's program
 * (load 5-7) the skeleton parse in `planLive` was the longest block of the
 * update (20-80 ms), and the update file's 1-3 ms more. If the thread
 * cannot answer, the same code runs here, as before.
 */

/** Outlines of the skeletons an update is about to compare and prepare, kept for `outlineOf`. */
export async function outlineAhead(skeletons: Iterable<string>): Promise<void> {
  const wanted = [...new Set(skeletons)].filter((s) => !hasOutline(s));
  if (wanted.length === 0) return;
  let outlines: Awaited<ReturnType<typeof runOffThread<'outline'>>>;
  try {
    outlines = await runOffThread('outline', wanted);
  } catch {
    return;
  }
  wanted.forEach((skeleton, i) => {
    const outline = outlines[i];
    if (outline) keepOutline(skeleton, outline);
  });
}

/** What the new version's update file says (compare/update-file-scan.ts); undefined without one. */
export async function scanUpdateFileAhead(root: string): Promise<UpdateFileScan | undefined> {
  const text = await readUpdateFile(root);
  if (text === undefined) return undefined;
  try {
    return await runOffThread('scan-update-file', text);
  } catch {
    return scanUpdateFileText(text);
  }
}
