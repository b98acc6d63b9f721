import { existsSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, extname, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveEsm } from 'import-meta-resolve';
import { BatonError } from '../../protocol/errors.js';
import { isCompilable } from './compile.js';
import { isBatonSpecifier } from '../state/update-spec.js';

/** Where an import leads: an app module baton runs, JSON, or a module Node loads natively. */
export type Resolved =
  | { readonly kind: 'app'; readonly file: string }
  | { readonly kind: 'json'; readonly file: string }
  | { readonly kind: 'native'; readonly url: string };

const BATON_ENTRY = new URL('../../index.js', import.meta.url).href;
const builtins = new Set(builtinModules);

// TypeScript projects import `./x.js` meaning `./x.ts`; try the source first.
const SWAPS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.js'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
  '.jsx': ['.tsx', '.jsx'],
};
const BARE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.mjs', '.json'];

export function resolveImport(specifier: string, fromFile: string): Resolved {
  if (isBatonSpecifier(specifier)) return { kind: 'native', url: BATON_ENTRY };
  if (specifier.startsWith('node:') || builtins.has(specifier)) {
    return { kind: 'native', url: specifier.startsWith('node:') ? specifier : `node:${specifier}` };
  }
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) {
    const base = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolvePath(dirname(fromFile), specifier);
    const file = findFile(base);
    if (!file) {
      throw new BatonError('E_RESOLVE', `cannot find module '${specifier}' imported from ${fromFile}`, 'check the path and the file extension');
    }
    return classify(file);
  }
  // A package: Node's own ESM resolution from the importer's location.
  let url: string;
  try {
    url = resolveEsm(specifier, pathToFileURL(fromFile).href);
  } catch (error) {
    throw new BatonError('E_RESOLVE', `cannot find package '${specifier}' imported from ${fromFile}`, 'install it with npm, or fix the import');
  }
  return { kind: 'native', url };
}

function classify(file: string): Resolved {
  if (file.includes('/node_modules/')) return { kind: 'native', url: pathToFileURL(file).href };
  if (extname(file) === '.json') return { kind: 'json', file };
  if (isCompilable(file)) return { kind: 'app', file };
  return { kind: 'native', url: pathToFileURL(file).href };
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
  return existsSync(path) && statSync(path).isFile();
}
