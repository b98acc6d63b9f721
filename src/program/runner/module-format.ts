import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { UPDATE_FILE } from '../state/update-spec.js';

/** How a source file is run: as an ES module or as CommonJS. */
export type ModuleFormat = 'esm' | 'cjs';

/**
 * The format tsx (and Node, for JavaScript) gives a file: `.mts`/`.mjs` are
 * ESM and `.cts`/`.cjs` CommonJS whatever the package says; other files
 * follow the nearest package.json, and a package.json without `"type":
 * "module"` means CommonJS (tsx runs a `.ts` file with `import` syntax there
 * as CommonJS too, with `require` and `__dirname` defined). A file outside
 * any package runs as ESM: baton's default for loose scripts, where tsx
 * would pick CommonJS (a documented difference).
 */
export function formatOf(file: string): ModuleFormat {
  // The transformer file is baton's own format (`export default defineUpdate(...)`), read as ESM in any package.
  if (basename(file) === UPDATE_FILE) return 'esm';
  const ext = extname(file);
  if (ext === '.mts' || ext === '.mjs') return 'esm';
  if (ext === '.cts' || ext === '.cjs') return 'cjs';
  const type = packageTypeOf(dirname(file));
  return type === undefined || type === 'module' ? 'esm' : 'cjs';
}

const types = new Map<string, string | undefined>();

/** The `type` of the nearest package.json ('commonjs' when it has none), or undefined outside any package. */
function packageTypeOf(dir: string): string | undefined {
  if (types.has(dir)) return types.get(dir);
  let type: string | undefined;
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    try {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown };
      type = parsed.type === 'module' ? 'module' : 'commonjs';
    } catch {
      // Node itself fails on a broken package.json when it needs it; the format question alone should not.
      type = 'commonjs';
    }
  } else {
    const parent = dirname(dir);
    type = parent === dir ? undefined : packageTypeOf(parent);
  }
  types.set(dir, type);
  return type;
}
