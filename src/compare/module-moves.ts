import { relative, sep } from 'node:path';
import type { CompiledModule } from '../program/runner/compile.js';
import { resolveImport } from '../program/runner/resolve.js';

/**
 * Module identity across moves. A module that moved (`shapes.ts` to
 * `shapes/index.ts`, a renamed file) is found through its importers: an
 * importer present in both versions that stopped importing a module the new
 * version no longer has, and started importing one the old version did not
 * have, imports the same module under its new name. The moved module is
 * compared with its old self and keeps its live instance and state.
 * One matcher for `baton diff` and `baton update`.
 */

/** One import of an importer: its specifier and the app module it leads to (undefined: a package, a builtin, unresolved). */
export interface ImportTarget {
  readonly specifier: string;
  readonly target: string | undefined;
}

export interface ImporterEdges {
  readonly old: readonly ImportTarget[];
  readonly next: readonly ImportTarget[];
}

export interface Moves {
  /** Old module id -> new module id. */
  readonly moved: ReadonlyMap<string, string>;
  /** New specifier -> the old specifier it stands for, per importer id: the same module under a new path. */
  readonly renamedImports: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/**
 * `importers`: every module present in both versions, with what it imports
 * in each. `gone(id)`: the old module is absent from the new version;
 * `isNew(id)`: the new module is absent from the old one. Lost and gained
 * imports pair up in import order; an old module claimed by two different
 * new ones (or the reverse) is not a move.
 */
export function findMoves(
  importers: ReadonlyMap<string, ImporterEdges>,
  gone: (id: string) => boolean,
  isNew: (id: string) => boolean,
  /** Whether the two are plausibly one module (sharesBindings): a module replaced by a different one is no move. */
  similar: (from: string, to: string) => boolean,
): Moves {
  const claims = new Map<string, Set<string>>();
  const pairs: Array<{ importer: string; from: ImportTarget; to: ImportTarget }> = [];
  for (const [importer, edges] of importers) {
    const lost = edges.old.filter((e) => e.target !== undefined && gone(e.target));
    const gained = edges.next.filter((e) => e.target !== undefined && isNew(e.target) && !edges.old.some((o) => o.target === e.target));
    for (let i = 0; i < Math.min(lost.length, gained.length); i++) {
      const [from, to] = [lost[i]!, gained[i]!];
      pairs.push({ importer, from, to });
      let set = claims.get(from.target!);
      if (!set) claims.set(from.target!, (set = new Set()));
      set.add(to.target!);
    }
  }
  const moved = new Map<string, string>();
  const taken = new Map<string, number>();
  for (const tos of claims.values()) if (tos.size === 1) taken.set([...tos][0]!, (taken.get([...tos][0]!) ?? 0) + 1);
  for (const [from, tos] of claims) {
    const to = [...tos][0]!;
    if (tos.size === 1 && taken.get(to) === 1 && similar(from, to)) moved.set(from, to);
  }
  const renamedImports = new Map<string, Map<string, string>>();
  for (const p of pairs) {
    if (moved.get(p.from.target!) !== p.to.target) continue;
    let m = renamedImports.get(p.importer);
    if (!m) renamedImports.set(p.importer, (m = new Map()));
    m.set(p.to.specifier, p.from.specifier);
  }
  return { moved, renamedImports };
}

/** What a compiled module imports, with the app module (id under `root`) each import leads to. */
export function appTargets(compiled: CompiledModule, file: string, root: string): ImportTarget[] {
  return compiled.imports.map((specifier) => {
    try {
      const r = resolveImport(specifier, file);
      return { specifier, target: r.kind === 'app' ? relative(root, r.file).split(sep).join('/') : undefined };
    } catch {
      return { specifier, target: undefined };
    }
  });
}

/** Two versions of one module share most of their top-level names (at least half of the smaller set). */
export function sharesBindings(a: CompiledModule, b: CompiledModule): boolean {
  const names = new Set(a.bindings.map((x) => x.name));
  const shared = b.bindings.filter((x) => names.has(x.name)).length;
  return shared > 0 && shared * 2 >= Math.min(names.size, b.bindings.length);
}

/** The new modules importers start to import and the old ones they stop importing: what findMoves may pair. */
export function moveCandidates(importers: ReadonlyMap<string, ImporterEdges>, gone: (id: string) => boolean, isNew: (id: string) => boolean): { from: Set<string>; to: Set<string> } {
  const from = new Set<string>();
  const to = new Set<string>();
  for (const e of importers.values()) {
    for (const t of e.old) if (t.target !== undefined && gone(t.target)) from.add(t.target);
    for (const t of e.next) if (t.target !== undefined && isNew(t.target)) to.add(t.target);
  }
  return { from, to };
}
