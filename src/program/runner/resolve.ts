import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, extname, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleResolve } from 'import-meta-resolve';
import { BatonError } from '../../protocol/errors.js';
import { isCompilable } from './compile.js';
import { formatOf, type ModuleFormat } from './module-format.js';
import { projectConfigOf } from './project-config.js';
import { isSourceFile } from './source-store.js';
import { isBatonSpecifier } from '../state/update-spec.js';

/**
 * Where an import leads: an app module baton runs, JSON, or a module Node
 * loads natively (`file` set when it is a file on disk, for `require`).
 */
export type Resolved =
  | { readonly kind: 'app'; readonly file: string }
  | { readonly kind: 'json'; readonly file: string }
  | { readonly kind: 'native'; readonly url: string; readonly file?: string };

/** baton's public entry: what a program's (or an update file's) `import ... from 'baton'` loads. */
export const BATON_ENTRY = new URL('../../index.js', import.meta.url).href;
const builtins = new Set(builtinModules);

// TypeScript projects import `./x.js` meaning `./x.ts`; try the source first.
const SWAPS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.js'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
  '.jsx': ['.tsx', '.jsx'],
};
const BARE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
/** Node's conditions for each kind of importer (`exports` and `imports` maps). */
const CONDITIONS: Record<ModuleFormat, Set<string>> = {
  esm: new Set(['node', 'import']),
  cjs: new Set(['node', 'require']),
};

/**
 * Resolves `specifier` as Node (and tsx) would from `fromFile`: relative
 * paths with TypeScript's extension swaps, tsconfig `paths`/`baseUrl`
 * aliases, then packages by Node's own rules for the importer's format (ESM:
 * `exports`/`imports` with the import condition; CommonJS: Node's `require`
 * resolution itself, with extensionless deep imports and `main` fallbacks).
 * A package whose real path is outside node_modules (a workspace package,
 * symlinked there) is app code.
 */
export function resolveImport(specifier: string, fromFile: string): Resolved {
  if (isBatonSpecifier(specifier)) return { kind: 'native', url: BATON_ENTRY };
  if (specifier.startsWith('node:') || builtins.has(specifier)) {
    return { kind: 'native', url: specifier.startsWith('node:') ? specifier : `node:${specifier}` };
  }
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) {
    const base = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolvePath(dirname(fromFile), specifier);
    const file = findFile(base);
    if (!file) throw notFound(specifier, fromFile, 'check the path and the file extension');
    return classify(file);
  }
  const format = isCompilable(fromFile) ? formatOf(fromFile) : 'esm';
  if (!specifier.startsWith('#') && !fromFile.includes('/node_modules/')) {
    const aliased = viaPaths(specifier, fromFile);
    if (aliased) return classify(aliased);
  }
  const file = format === 'cjs' ? viaRequire(specifier, fromFile) : (viaImport(specifier, fromFile) ?? viaRequire(specifier, fromFile));
  if (!file) {
    const hint = specifier.startsWith('#')
      ? 'add it to the "imports" map of the nearest package.json'
      : `install it (npm install ${packageName(specifier)}), or fix the import; an alias needs an entry in the tsconfig's "paths"`;
    throw notFound(specifier, fromFile, hint);
  }
  return classify(file);
}

/** Node's ESM resolution (`import-meta-resolve` implements it): conditions, `exports`, `imports`. */
function viaImport(specifier: string, fromFile: string): string | undefined {
  try {
    const url = moduleResolve(specifier, pathToFileURL(fromFile), CONDITIONS.esm, false);
    return url.protocol === 'file:' ? fileURLToPath(url) : undefined;
  } catch {
    // tsx resolves what ESM refuses (an extensionless deep import into a CommonJS package) the way require does.
    return undefined;
  }
}

/** Node's own `require` resolution from the importer, tried again with TypeScript sources for a workspace `main` without extension. */
function viaRequire(specifier: string, fromFile: string): string | undefined {
  try {
    return createRequire(fromFile).resolve(specifier);
  } catch {
    return undefined;
  }
}

function viaPaths(specifier: string, fromFile: string): string | undefined {
  const match = projectConfigOf(fromFile).paths;
  if (!match) return undefined;
  for (const candidate of match(specifier)) {
    const file = findFile(candidate);
    if (file) return file;
  }
  return undefined;
}

function classify(file: string): Resolved {
  // JSON is read by baton wherever it lives: the import attributes Node's loader would want do not survive compilation.
  if (extname(file) === '.json') return { kind: 'json', file };
  const inPackages = file.includes('/node_modules/');
  // A package shipping TypeScript sources runs compiled, as under tsx; other package code runs as Node loads it.
  if (inPackages && !/\.[mc]?tsx?$/.test(file)) return { kind: 'native', url: pathToFileURL(file).href, file };
  if (isCompilable(file)) return { kind: 'app', file };
  return { kind: 'native', url: pathToFileURL(file).href, file };
}

function findFile(base: string): string | undefined {
  if (isFile(base)) return base;
  const ext = extname(base);
  for (const alt of SWAPS[ext] ?? []) {
    const candidate = base.slice(0, -ext.length) + alt;
    if (isFile(candidate)) return candidate;
  }
  for (const alt of BARE_EXTENSIONS) if (isFile(base + alt)) return base + alt;
  for (const alt of BARE_EXTENSIONS) if (isFile(`${base}/index${alt}`)) return `${base}/index${alt}`;
  return undefined;
}

function isFile(path: string): boolean {
  // During a rollback, the previous version's files as they ran (program/runner/source-store.ts).
  return isSourceFile(path);
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function notFound(specifier: string, fromFile: string, hint: string): BatonError {
  return new BatonError('E_RESOLVE', `cannot find module '${specifier}' imported from ${whereImported(specifier, fromFile)}`, hint);
}

/**
 * `file:line` of the first line of `file` that names `specifier` in quotes
 * (and the imported `name`, when given and on that line): where the user looks.
 */
export function whereImported(specifier: string, file: string, name?: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return file;
  }
  const lines = text.split('\n');
  const quoted = (line: string) => line.includes(`'${specifier}'`) || line.includes(`"${specifier}"`) || line.includes(`\`${specifier}\``);
  const naming = name === undefined ? undefined : new RegExp(`[{,\\s]${name.replace(/[$]/g, '\\$')}\\b`);
  const at = (naming && lines.findIndex((line) => quoted(line) && naming.test(line))) ?? -1;
  const index = at >= 0 ? at : lines.findIndex(quoted);
  return index >= 0 ? `${file}:${index + 1}` : file;
}

/** Where a specifier lands, as a file path or (built-ins, baton) a URL: where a package's version is read from. */
export function resolvedLocation(specifier: string, fromFile: string): string {
  const r = resolveImport(specifier, fromFile);
  return r.kind === 'native' ? r.url : r.file;
}
