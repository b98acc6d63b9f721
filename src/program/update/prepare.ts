import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BatonError } from '../../protocol/errors.js';
import { asReload, compareModule, type ModuleChange } from '../../compare/compare-module.js';
import { hashSource } from '../runner/compile.js';
import { exists, isOverlaid, isSourceFile, readText } from '../runner/source-store.js';
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
  /** The slot scope `compiled` was compiled for: the running instance's for a patch, a fresh one for a new instance. */
  readonly scope?: string;
}

export interface PreparedVersion {
  readonly root: string;
  readonly modules: readonly PreparedModule[];
}

/**
 * Compiles the new version of every loaded module (and every module the new
 * code newly imports) and compares it with the running one. Touches nothing.
 */
/**
 * `allowLive(id)`: whether a structural change of module `id` may be made on
 * the live module; when not, it takes a new instance (a reload).
 */
export async function prepareVersion(graph: ModuleGraph, dir: string, entryId: string, allowLive: (id: string) => boolean = () => true): Promise<PreparedVersion> {
  const root = resolve(dir);
  if (!isOverlaid(root) && !existsSync(root)) throw new BatonError('E_BAD_DIR', `${dir} does not exist`, 'give the directory that holds the new version, laid out like the running one');
  if (!isOverlaid(root) && !statSync(root).isDirectory()) throw new BatonError('E_BAD_DIR', `${dir} is not a directory`, 'give the directory that holds the new version, laid out like the running one');
  // An empty or unrelated directory would read as "every module removed": the program would stop taking updates.
  if (!exists(join(root, entryId))) {
    throw new BatonError('E_BAD_DIR', `${dir} has no ${entryId}, the entry module of the running program`, 'give the directory that holds the new version of the whole program, laid out like the running one');
  }
  const modules = new Map<string, PreparedModule>();
  await Promise.all(
    [...graph.records.values()].map(async (record) => {
      const file = join(root, record.id);
      if (!exists(file)) {
        modules.set(record.id, { id: record.id, change: { kind: 'removed', id: record.id } });
        return;
      }
      // The same text as the running instance's: nothing to compile (most modules of a release).
      const text = await readSource(file);
      if (hashSource(text) === record.current.compiled.sourceHash) {
        modules.set(record.id, { id: record.id, change: { kind: 'unchanged', id: record.id }, file, compiled: record.current.compiled, scope: record.current.scope });
        return;
      }
      // Compiled as the running instance is: its slot scope, and the bindings live updates added on `__baton_ext`.
      const external = record.current.compiled.external;
      const compiled = await readCompiled(file, record.current.scope, external);
      const compared = compareModule(record.id, record.current.compiled, compiled);
      const change = allowLive(record.id) ? compared : asReload(compared);
      if (change.kind === 'live') {
        // Again, with the new bindings on `__baton_ext` too: what the live module will run.
        await yieldToLoop();
        const live = await readCompiled(file, record.current.scope, [...external, ...change.plan.added]);
        modules.set(record.id, { id: record.id, change, file, compiled: live, scope: record.current.scope });
      } else if (change.kind === 'reload') {
        // A new instance: compiled again for cells of its own.
        await yieldToLoop();
        const scope = ModuleGraph.newScope(record.id);
        modules.set(record.id, { id: record.id, change, file, compiled: await readCompiled(file, scope), scope });
      } else {
        modules.set(record.id, { id: record.id, change, file, compiled, scope: record.current.scope });
      }
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
      const scope = ModuleGraph.newScope(id);
      const added: PreparedModule = { id, change: { kind: 'added', id }, file: target.file, compiled: await readCompiled(target.file, scope), scope };
      modules.set(id, added);
      queue.push(added);
    }
  }
  return { root, modules: [...modules.values()].sort((a, b) => a.id.localeCompare(b.id)) };
}

async function readSource(file: string): Promise<string> {
  // A FIFO (or a device) would block the read forever, holding a thread of libuv's pool.
  if (exists(file) && !isSourceFile(file)) throw new BatonError('E_BAD_DIR', `${file} is not a regular file`, 'a module of the new version must be an ordinary file');
  try {
    // Kept by hash: a rollback to this version restores this text, whatever happens on disk.
    return await readText(file);
  } catch (error) {
    throw new BatonError('E_BAD_DIR', `cannot read ${file}: ${(error as Error).message}`, 'check the file permissions');
  }
}

async function readCompiled(file: string, scope: string, external: readonly string[] = []): Promise<CompiledModule> {
  try {
    return await ModuleGraph.compileFrom(file, scope, external);
  } catch (error) {
    if (error instanceof BatonError) throw error;
    throw new BatonError('E_BAD_DIR', `cannot read ${file}: ${(error as Error).message}`, 'check the file permissions');
  }
}
