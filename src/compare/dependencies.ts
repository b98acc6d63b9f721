import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A package as a version resolves it: its name and version from its package.json. */
export interface PackageVersion {
  readonly name: string;
  readonly version: string;
  readonly root: string;
}

/** A bare import specifier names a package (not `./x`, `/x`, `node:x` or `#x`). */
export function isPackageSpecifier(specifier: string): boolean {
  return !/^(\.|\/|node:|file:|data:|#)/.test(specifier) && specifier !== 'baton';
}

/** The package a resolved file or `file:` URL belongs to: the nearest package.json with a name, walking up. */
export function packageOf(resolved: string): PackageVersion | undefined {
  if (!resolved.startsWith('file:') && !resolved.startsWith('/')) return undefined;
  let dir = dirname(resolved.startsWith('file:') ? fileURLToPath(resolved) : resolved);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
        if (typeof json.name === 'string') return { name: json.name, version: typeof json.version === 'string' ? json.version : '(no version)', root: realpathSync(dir) };
      } catch {
        // An unreadable manifest names no package; keep walking.
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** One package the new version resolves to a different version than the running one. */
export interface DependencyChange {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Packages whose version differs between two resolutions of the same
 * specifiers: `pairs` holds, per specifier, where the running version and the
 * new version resolve it. A package new to the update (no old resolution) is
 * not a change: nothing created by an older copy of it exists.
 */
export function dependencyChanges(pairs: Iterable<{ readonly old: string | undefined; readonly next: string | undefined }>): DependencyChange[] {
  const out = new Map<string, DependencyChange>();
  for (const { old, next } of pairs) {
    if (!old || !next) continue;
    const [a, b] = [packageOf(old), packageOf(next)];
    if (!a || !b || a.name !== b.name) continue;
    if (a.version !== b.version) out.set(a.name, { name: a.name, from: a.version, to: b.version });
  }
  return [...out.values()].sort((x, y) => x.name.localeCompare(y.name));
}

/** One module's package imports, resolved from where the running version has it and where the new one does. */
export interface ModuleImports {
  /** The running version's file (resolution starts from its directory); none for a module new to the update. */
  readonly old: string | undefined;
  readonly next: string;
  readonly specifiers: readonly string[];
}

/**
 * Packages that resolve to another version in the new tree: the one rule
 * `baton update` refuses on and `baton diff` reports. `resolve` is the
 * runtime's resolver (where Node would load the specifier from); a specifier
 * it cannot resolve names no package.
 */
export function changedDependencies(modules: Iterable<ModuleImports>, resolve: (specifier: string, from: string) => string): DependencyChange[] {
  // Resolution depends on the importer's directory only: modules side by side share one lookup.
  const cache = new Map<string, string | undefined>();
  const where = (specifier: string, from: string | undefined) => {
    if (!from) return undefined;
    const key = `${dirname(from)}\0${specifier}`;
    if (!cache.has(key)) {
      try {
        cache.set(key, resolve(specifier, from));
      } catch {
        cache.set(key, undefined);
      }
    }
    return cache.get(key);
  };
  const pairs: Array<{ old: string | undefined; next: string | undefined }> = [];
  for (const m of modules) {
    for (const specifier of m.specifiers) {
      if (isPackageSpecifier(specifier)) pairs.push({ old: where(specifier, m.old), next: where(specifier, m.next) });
    }
  }
  return dependencyChanges(pairs);
}
