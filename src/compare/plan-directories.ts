import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileModule } from '../program/runner/compile.js';
import { asReload, compareModule, liveAllowed, type ModuleChange } from './compare-module.js';
import { listModules } from './source-tree.js';
import { transformedModulesInFile } from './update-file-scan.js';

/**
 * The module-level plan between two version trees, with no running process:
 * what `baton diff` shows. `baton update` makes the same comparison against
 * the code the process actually runs (apply/prepare.ts).
 */
export async function planDirectories(oldRoot: string, newRoot: string): Promise<ModuleChange[]> {
  const [oldIds, newIds] = await Promise.all([listModules(oldRoot), listModules(newRoot)]);
  const all = [...new Set([...oldIds, ...newIds])].sort();
  const allowLive = liveAllowed(transformedModulesInFile(newRoot));
  return Promise.all(
    all.map(async (id): Promise<ModuleChange> => {
      const oldFile = join(oldRoot, id);
      const newFile = join(newRoot, id);
      if (!existsSync(newFile)) return { kind: 'removed', id };
      if (!existsSync(oldFile)) return { kind: 'added', id };
      const [oldText, newText] = await Promise.all([readFile(oldFile, 'utf8'), readFile(newFile, 'utf8')]);
      // Most modules of a release are byte-for-byte the same: no need to compile them.
      if (oldText === newText) return { kind: 'unchanged', id };
      const [before, after] = await Promise.all([compileModule(oldText, oldFile, `${id}@plan`), compileModule(newText, newFile, `${id}@plan`)]);
      const change = compareModule(id, before, after);
      return allowLive(id) ? change : asReload(change);
    }),
  );
}
