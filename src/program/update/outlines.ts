import { hasOutline, keepOutline } from '../../compare/skeleton-outline.js';
import { outlineOffThread } from '../runner/compile-pool.js';

/**
 * Has the compile thread parse the skeletons an update is about to compare
 * (compare/skeleton-outline.ts) and keeps their outlines, so the comparison
 * and the live preparation parse nothing on the program's thread. A cold
 * acorn there was the longest block of a first update (CPU profile of the
 * program during bench/reload-pause's update: 20-80 ms in `planLive` at load
 * 5-7). If the thread cannot answer, the comparison parses for itself.
 */
export async function outlineAhead(skeletons: Iterable<string>): Promise<void> {
  const wanted = [...new Set(skeletons)].filter((s) => !hasOutline(s));
  if (wanted.length === 0) return;
  let outlines: Awaited<ReturnType<typeof outlineOffThread>>;
  try {
    outlines = await outlineOffThread(wanted);
  } catch {
    return;
  }
  wanted.forEach((skeleton, i) => {
    const outline = outlines[i];
    if (outline) keepOutline(skeleton, outline);
  });
}
