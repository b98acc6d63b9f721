import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BatonError } from '../../protocol/errors.js';
import { compareModule, plansLive, type ModuleChange } from '../../compare/compare-module.js';
import { outlineAhead } from './off-thread-parse.js';
import type { TransformedClasses } from '../../compare/update-file-scan.js';
import { hashSource } from '../runner/compile.js';
import { exists, isOverlaid, isSourceFile, readText } from '../runner/source-store.js';
import type { CompiledModule } from '../runner/compile.js';
import { ModuleGraph, type ModuleRecord } from '../runner/module-graph.js';
import { appTargets, findMoves, moveCandidates, sharesBindings, type ImporterEdges } from '../../compare/module-moves.js';
import { resolveImport } from '../runner/resolve.js';
import { assertInsideVersion } from '../runner/read-source.js';
import { LoopSlices, yieldToLoop } from '../runner/yield-to-loop.js';
import type { CompiledBy } from '../../protocol/outcome.js';
import type { OfferedModules } from './precompiled.js';

/** One module of the new version, compiled and compared with what runs now. */
export interface PreparedModule {
  readonly id: string;
  readonly change: ModuleChange;
  /** The new version's file and its compiled form (absent for removed modules). */
  readonly file?: string;
  readonly compiled?: CompiledModule;
  /** The slot scope `compiled` was compiled for: the running instance's for a patch, a fresh one for a new instance. */
  readonly scope?: string;
  /** The module's id in the new version when it moved (`id` stays the running record's until commit). */
  readonly movedTo?: string;
}

export interface PreparedVersion {
  readonly root: string;
  readonly modules: readonly PreparedModule[];
  /** The modules the CLI compiled (used from the request) and those compiled here. */
  readonly compiled: CompiledBy;
}

/**
 * Compiles the new version of every loaded module (and every module the new
 * code newly imports) and compares it with the running one. Touches nothing.
 * `transformed`: the classes the update file transforms (declared again on
 * the live module), the rule `baton diff` applies too. `offered`: modules
 * the CLI compiled, each used where it matches what would be compiled here.
 */
export async function prepareVersion(graph: ModuleGraph, dir: string, entryId: string, transformed: TransformedClasses = { has: () => false }, offered?: OfferedModules): Promise<PreparedVersion> {
  const root = resolve(dir);
  if (!isOverlaid(root) && !existsSync(root)) throw new BatonError('E_BAD_DIR', `${dir} does not exist`, 'give the directory that holds the new version, laid out like the running one');
  if (!isOverlaid(root) && !statSync(root).isDirectory()) throw new BatonError('E_BAD_DIR', `${dir} is not a directory`, 'give the directory that holds the new version, laid out like the running one');
  // An empty or unrelated directory would read as "every module removed": the program would stop taking updates.
  if (!exists(join(root, entryId))) {
    throw new BatonError('E_BAD_DIR', `${dir} has no ${entryId}, the entry module of the running program`, 'give the directory that holds the new version of the whole program, laid out like the running one');
  }
  const modules = new Map<string, PreparedModule>();
  const gone = new Set<string>();
  const pending = new Map<string, { record: ModuleRecord; file: string; compiled: CompiledModule }>();
  const compiled = { cli: [] as string[], program: [] as string[] };
  const readCompiled = (id: string, file: string, scope: string, external: readonly string[] = []) => {
    compiled.program.push(id);
    return compileHere(file, scope, external);
  };
  // The checks and reads of a module are small but synchronous: the program's loop turns between modules when due.
  const slices = new LoopSlices();
  await slices.all([...graph.records.values()], async (record) => {
    const file = join(root, record.id);
    if (!exists(file)) {
      gone.add(record.id);
      return;
    }
    // A rollback's overlay stands for a directory that may be gone: its texts are the ones that ran.
    if (!isOverlaid(root)) assertInsideVersion(file, root);
    // The same text as the running instance's: nothing to compile (most modules of a release).
    const text = await readSource(file);
    const sourceHash = hashSource(text);
    if (sourceHash === record.current.compiled.sourceHash) {
      modules.set(record.id, { id: record.id, change: { kind: 'unchanged', id: record.id }, file, compiled: record.current.compiled, scope: record.current.scope });
      return;
    }
    // Compiled as the running instance is: its slot scope, and the bindings live updates added on `__baton_ext`.
    const { scope, compiled: { external } } = record.current;
    const sent = offered?.take(file, sourceHash, scope, external);
    if (sent) compiled.cli.push(record.id);
    pending.set(record.id, { record, file, compiled: sent ?? (await readCompiled(record.id, file, scope, external)) });
  });
  // A module the new version no longer has may have moved: its importers say where (one matcher with `baton diff`).
  const edges = new Map<string, ImporterEdges>();
  if (gone.size > 0) {
    for (const [id, p] of pending) edges.set(id, { old: appTargets(p.record.current.compiled, graph.fileOf(id), graph.root), next: appTargets(p.compiled, p.file, root) });
  }
  const isNew = (id: string) => !graph.records.has(id) && exists(join(root, id));
  const candidates = moveCandidates(edges, (id) => gone.has(id), isNew);
  const candidate = new Map<string, CompiledModule>();
  for (const to of candidates.to) candidate.set(to, await readCompiled(to, join(root, to), ModuleGraph.newScope(to)));
  const { moved, renamedImports } = findMoves(edges, (id) => gone.has(id), isNew, (from, to) => sharesBindings(graph.records.get(from)!.current.compiled, candidate.get(to)!));
  for (const [from, to] of moved) {
    const record = graph.records.get(from)!;
    const file = join(root, to);
    pending.set(from, { record, file, compiled: await readCompiled(to, file, record.current.scope, record.current.compiled.external) });
  }
  for (const id of gone) if (!moved.has(id)) modules.set(id, { id, change: { kind: 'removed', id } });
  const optionsOf = (newId: string) => ({ renamed: renamedImports.get(newId) ?? new Map<string, string>(), transformsClass: (name: string) => transformed.has(newId, name) });
  // The skeletons the comparison will read, parsed on the compile thread (one round trip for all).
  await outlineAhead(
    [...pending].flatMap(([id, { record, compiled }]) => (plansLive(record.current.compiled, compiled, optionsOf(moved.get(id) ?? id)) ? [record.current.compiled.skeleton, compiled.skeleton] : [])),
  );
  await slices.all([...pending.entries()], async ([id, { record, file, compiled }]) => {
    const to = moved.get(id);
    const newId = to ?? id;
    const external = record.current.compiled.external;
    const options = optionsOf(newId);
    const change: ModuleChange = { ...compareModule(newId, record.current.compiled, compiled, options), ...(to ? { movedFrom: id } : {}) };
    const movedTo = to ? { movedTo: to } : {};
    if (change.kind === 'live') {
      // Again, with the new and declared-again bindings on `__baton_ext`: what the live module will run.
      await yieldToLoop();
      const live = await readCompiled(newId, file, record.current.scope, [...new Set([...external, ...change.plan.added, ...change.plan.redeclared])]);
      // prepareLive reads this one's outline (live.ts).
      await outlineAhead([live.skeleton]);
      modules.set(id, { id, change, file, compiled: live, scope: record.current.scope, ...movedTo });
    } else {
      modules.set(id, { id, change, file, compiled, scope: record.current.scope, ...movedTo });
    }
  });
  // Modules the new code imports that the program never loaded are new.
  const queue = [...modules.values()].filter((m) => m.change.kind === 'live' && m.change.plan.importsAdded.length > 0);
  while (queue.length > 0) {
    const m = queue.pop()!;
    const specifiers = m.change.kind === 'live' ? m.change.plan.importsAdded : (m.compiled?.imports ?? []);
    for (const specifier of specifiers) {
      const target = resolveImport(specifier, m.file!);
      if (target.kind !== 'app') continue;
      const id = graph.idOf(target.file, root);
      if (modules.has(id) || graph.records.has(id) || [...moved.values()].includes(id)) continue;
      if (!isOverlaid(root)) assertInsideVersion(target.file, root);
      const scope = ModuleGraph.newScope(id);
      const added: PreparedModule = { id, change: { kind: 'added', id }, file: target.file, compiled: await readCompiled(id, target.file, scope), scope };
      modules.set(id, added);
      queue.push(added);
    }
  }
  // By code units, not localeCompare: the first localeCompare in a process builds ICU's collator, a block of
  // several milliseconds on the program's thread (seen in a CPU profile of a first update).
  const unique = (ids: string[]) => [...new Set(ids)].sort();
  return { root, modules: [...modules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), compiled: { cli: unique(compiled.cli), program: unique(compiled.program) } };
}

async function readSource(file: string): Promise<string> {
  // A FIFO (or a device) would block the read forever, holding a thread of libuv's pool.
  if (exists(file) && !isSourceFile(file)) throw new BatonError('E_BAD_DIR', `${file} is not a regular file`, 'a module of the new version must be an ordinary file');
  try {
    // Kept by hash: a rollback to this version restores this text, whatever happens on disk.
    return await readText(file);
  } catch (error) {
    if (error instanceof BatonError) throw error;
    throw new BatonError('E_BAD_DIR', `cannot read ${file}: ${(error as Error).message}`, 'check the file permissions');
  }
}

async function compileHere(file: string, scope: string, external: readonly string[] = []): Promise<CompiledModule> {
  try {
    return await ModuleGraph.compileFrom(file, scope, external);
  } catch (error) {
    if (error instanceof BatonError) throw error;
    throw new BatonError('E_BAD_DIR', `cannot read ${file}: ${(error as Error).message}`, 'check the file permissions');
  }
}
