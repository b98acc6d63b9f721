import ts from 'typescript';
import { relative, sep } from 'node:path';
import type { VersionProgram } from './load-program.js';

// Internal to the compiler (5.x and 6.x have it), so it is optional here:
// without it every file counts as affected, which is only slower.
type WithResolutions = ts.Program & {
  forEachResolvedModule?: (callback: (resolution: ts.ResolvedModuleWithFailedLookupLocations) => void, file?: ts.SourceFile) => void;
};

/**
 * The new version's own files whose types may differ from the old
 * version's: files whose text changed or that are new, and every file that
 * imports one (transitively), or whose imports resolve differently. The rest
 * type-check exactly as they did in the old version, so their shapes and
 * their diagnostics need not be computed again. undefined when anything
 * global differs (compiler options, the ambient and package typings): then
 * every file is affected.
 */
export function affectedFiles(before: VersionProgram, after: VersionProgram): ReadonlySet<string> | undefined {
  if (!sameSurroundings(before, after)) return undefined;
  const oldDeps = dependencies(before);
  const newDeps = dependencies(after);
  if (!oldDeps || !newDeps) return undefined;
  const rel = (v: VersionProgram, f: string) => relative(v.root, f).split(sep).join('/');
  const oldText = new Map(ownFiles(before).map((sf) => [rel(before, sf.fileName), sf.text]));
  const affected = new Set<string>();
  const importers = new Map<string, string[]>();
  for (const sf of ownFiles(after)) {
    const id = rel(after, sf.fileName);
    const deps = [...(newDeps.get(sf.fileName) ?? [])].map((d) => rel(after, d)).sort();
    const old = [...(oldDeps.get(sf.fileName.replace(after.root, before.root)) ?? [])].map((d) => rel(before, d)).sort();
    if (oldText.get(id) !== sf.text || deps.join('\0') !== old.join('\0')) affected.add(sf.fileName);
    for (const d of newDeps.get(sf.fileName) ?? []) {
      let list = importers.get(d);
      if (!list) importers.set(d, (list = []));
      list.push(sf.fileName);
    }
  }
  const work = [...affected];
  while (work.length) {
    for (const importer of importers.get(work.pop()!) ?? []) {
      if (!affected.has(importer)) {
        affected.add(importer);
        work.push(importer);
      }
    }
  }
  return affected;
}

function ownFiles(v: VersionProgram): ts.SourceFile[] {
  return v.program.getSourceFiles().filter((sf) => isOwn(v, sf.fileName));
}

function isOwn(v: VersionProgram, file: string): boolean {
  const rel = relative(v.root, file);
  return !!rel && !rel.startsWith('..') && !rel.split(sep).includes('node_modules');
}

/** Own file -> the own files it imports. */
function dependencies(v: VersionProgram): Map<string, Set<string>> | undefined {
  const program = v.program as WithResolutions;
  if (typeof program.forEachResolvedModule !== 'function') return undefined;
  const out = new Map<string, Set<string>>();
  for (const sf of ownFiles(v)) {
    const deps = new Set<string>();
    program.forEachResolvedModule((r) => {
      const f = r.resolvedModule?.resolvedFileName;
      if (f && isOwn(v, f)) deps.add(f);
      // An import that no longer resolves is a change too.
      else if (!r.resolvedModule) deps.add(`${v.root}${sep}<unresolved>`);
    }, sf);
    out.set(sf.fileName, deps);
  }
  return out;
}

/** The same options (version paths aside) and the same typings outside the versions' own files. */
function sameSurroundings(before: VersionProgram, after: VersionProgram): boolean {
  const options = (v: VersionProgram) => JSON.stringify(v.options, (_k, value: unknown) => (typeof value === 'string' ? value.split(v.root).join('<root>') : value));
  if (options(before) !== options(after)) return false;
  const outside = (v: VersionProgram) =>
    v.program
      .getSourceFiles()
      .filter((sf) => !isOwn(v, sf.fileName))
      .map((sf) => `${sf.fileName.split(v.root).join('<root>')}:${sf.text.length}`)
      .sort()
      .join('\n');
  return outside(before) === outside(after);
}
