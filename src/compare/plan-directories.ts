import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileModule, type CompiledModule } from '../program/runner/compile.js';
import { compareModule, type ModuleChange } from './compare-module.js';
import { appTargets, findMoves, moveCandidates, sharesBindings, type ImporterEdges } from './module-moves.js';
import { listModules } from './source-tree.js';
import { transformedClassesInFile } from './update-file-scan.js';

/**
 * The module-level plan between two version trees, with no running process:
 * what `baton diff` shows. `baton update` makes the same comparison against
 * the code the process actually runs (program/update/prepare.ts), with the
 * same move matcher and the same live rule.
 */
export async function planDirectories(oldRoot: string, newRoot: string): Promise<ModuleChange[]> {
  const [oldIds, newIds] = await Promise.all([listModules(oldRoot), listModules(newRoot)]);
  const [oldSet, newSet] = [new Set(oldIds), new Set(newIds)];
  const transformed = await transformedClassesInFile(newRoot);
  const both = oldIds.filter((id) => newSet.has(id));
  // Most modules of a release are byte-for-byte the same: no need to compile them.
  const pairs = new Map<string, { before: CompiledModule; after: CompiledModule }>();
  await Promise.all(
    both.map(async (id) => {
      const [oldText, newText] = await Promise.all([readFile(join(oldRoot, id), 'utf8'), readFile(join(newRoot, id), 'utf8')]);
      if (oldText === newText) return;
      const [before, after] = await Promise.all([compileModule(oldText, join(oldRoot, id), `${id}@plan`), compileModule(newText, join(newRoot, id), `${id}@plan`)]);
      pairs.set(id, { before, after });
    }),
  );
  const edges = new Map<string, ImporterEdges>();
  for (const [id, p] of pairs) edges.set(id, { old: appTargets(p.before, join(oldRoot, id), oldRoot), next: appTargets(p.after, join(newRoot, id), newRoot) });
  const [gone, isNew] = [(id: string) => !newSet.has(id), (id: string) => !oldSet.has(id)];
  const candidates = moveCandidates(edges, gone, isNew);
  const [oldCompiled, newCompiled] = await Promise.all([compileAll(oldRoot, candidates.from), compileAll(newRoot, candidates.to)]);
  const { moved, renamedImports } = findMoves(edges, gone, isNew, (from, to) => sharesBindings(oldCompiled.get(from)!, newCompiled.get(to)!));

  const changes: ModuleChange[] = both.map((id) => {
    const p = pairs.get(id);
    if (!p) return { kind: 'unchanged', id };
    return compareModule(id, p.before, p.after, { renamed: renamedImports.get(id) ?? new Map(), transformsClass: (name) => transformed.has(id, name) });
  });
  await Promise.all(
    [...moved].map(async ([from, to]) => {
      // Compiled for one scope, as the update compiles the new file for the running instance's cells.
      const scope = `${from}@plan`;
      const [before, after] = await Promise.all([compileFile(join(oldRoot, from), scope), compileFile(join(newRoot, to), scope)]);
      const change = compareModule(to, before, after, { renamed: renamedImports.get(to) ?? new Map(), transformsClass: (name) => transformed.has(to, name) });
      changes.push({ ...change, movedFrom: from });
    }),
  );
  const targets = new Set(moved.values());
  for (const id of oldIds) if (!newSet.has(id) && !moved.has(id)) changes.push({ kind: 'removed', id });
  for (const id of newIds) if (!oldSet.has(id) && !targets.has(id)) changes.push({ kind: 'added', id });
  return changes.sort((a, b) => a.id.localeCompare(b.id));
}

async function compileAll(root: string, ids: Iterable<string>): Promise<Map<string, CompiledModule>> {
  return new Map(await Promise.all([...ids].map(async (id) => [id, await compileFile(join(root, id), `${id}@plan`)] as const)));
}

async function compileFile(file: string, scope: string): Promise<CompiledModule> {
  return compileModule(await readFile(file, 'utf8'), file, scope);
}
