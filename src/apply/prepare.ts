import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BatonError } from '../errors.js';
import { analyze, compareModule, type ModuleChange } from '../plan/compare-module.js';
import type { CompiledModule } from '../runner/compile.js';
import { ModuleGraph } from '../runner/module-graph.js';
import { resolveImport } from '../runner/resolve.js';
import { yieldToLoop } from '../runner/yield-to-loop.js';

/** One module of the new version, compiled and compared with what runs now. */
export interface PreparedModule {
  readonly id: string;
  readonly change: ModuleChange;
  /** The new version's file and its compiled form (absent for removed modules). */
  readonly file?: string;
  readonly compiled?: CompiledModule;
}

export interface PreparedVersion {
  readonly root: string;
  readonly modules: readonly PreparedModule[];
}

/**
 * Compiles the new version of every loaded module (and every module the new
 * code newly imports) and compares it with the running one. Touches nothing.
 */
export async function prepareVersion(graph: ModuleGraph, dir: string): Promise<PreparedVersion> {
  const root = resolve(dir);
  if (!existsSync(root)) throw new BatonError('E_BAD_DIR', `${dir} does not exist`, 'give the directory that holds the new version, laid out like the running one');
  if (!statSync(root).isDirectory()) throw new BatonError('E_BAD_DIR', `${dir} is not a directory`, 'give the directory that holds the new version, laid out like the running one');
  const modules = new Map<string, PreparedModule>();
  await Promise.all(
    [...graph.records.values()].map(async (record) => {
      const file = join(root, record.id);
      if (!existsSync(file)) {
        modules.set(record.id, { id: record.id, change: { kind: 'removed', id: record.id } });
        return;
      }
      const compiled = await readCompiled(file);
      // Comparing parses both versions: each parse gets a turn of the
      // program's event loop of its own (the running version's is kept).
      if (compiled.comparable !== record.current.compiled.comparable) {
        await yieldToLoop();
        analyze(record.current.compiled);
        await yieldToLoop();
        analyze(compiled);
      }
      modules.set(record.id, { id: record.id, change: compareModule(record.id, record.current.compiled, compiled), file, compiled });
    }),
  );
  // Modules the new code imports that the program never loaded are new.
  const queue = [...modules.values()].filter((m) => m.change.kind === 'reload');
  while (queue.length > 0) {
    const m = queue.pop()!;
    for (const specifier of m.compiled?.imports ?? []) {
      const target = resolveImport(specifier, m.file!);
      if (target.kind !== 'app') continue;
      const id = graph.idOf(target.file, root);
      if (modules.has(id) || graph.records.has(id)) continue;
      const added: PreparedModule = { id, change: { kind: 'added', id }, file: target.file, compiled: await readCompiled(target.file) };
      modules.set(id, added);
      queue.push(added);
    }
  }
  return { root, modules: [...modules.values()].sort((a, b) => a.id.localeCompare(b.id)) };
}

async function readCompiled(file: string): Promise<CompiledModule> {
  try {
    return await ModuleGraph.compileFrom(file);
  } catch (error) {
    if (error instanceof BatonError) throw error;
    throw new BatonError('E_BAD_DIR', `cannot read ${file}: ${(error as Error).message}`, 'check the file permissions');
  }
}
