import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isCompilable } from '../program/runner/compile.js';
import { UPDATE_FILE } from '../program/state/update-spec.js';

/** Module ids (paths relative to `root`) of every app source file in a version tree. */
export async function listModules(root: string): Promise<string[]> {
  const out: string[] = [];
  async function visit(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (isCompilable(path) && !path.endsWith('.d.ts')) {
        const id = relative(root, path).split(sep).join('/');
        if (id !== UPDATE_FILE) out.push(id);
      }
    }
  }
  await visit(root);
  return out.sort();
}
