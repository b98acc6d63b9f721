import { createRequire, register } from 'node:module';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Which compiler the checker runs with, for the report. */
export interface CompilerChoice {
  readonly version: string;
  /** Where it was found: the project's own, or the one baton ships (with why). */
  readonly source: 'project' | 'baton';
  readonly path: string | undefined;
  readonly note?: string;
}

// The oldest compiler whose API the checker uses (resolveModuleNameLiterals,
// getModeForUsageLocation with options).
const MIN_MAJOR = 5;

let chosen: CompilerChoice | undefined;

/**
 * Makes the checker (src/typeplan) use the project's own `typescript`,
 * resolved from the version directory as `tsc` would be, so that the project's
 * tsconfig means what it means to the project (TypeScript 6 rejects options
 * 5.x accepts). Must run before anything in src/typeplan is imported; once
 * per process (ESM modules load once): later calls return the first choice.
 */
export function useProjectTypeScript(...dirs: readonly string[]): CompilerChoice {
  if (chosen) return chosen;
  for (const dir of dirs) {
    const found = findTypeScript(resolve(dir));
    if (!found) continue;
    const major = Number(found.version.split('.')[0]);
    if (!(major >= MIN_MAJOR)) {
      chosen = { version: bundled(), source: 'baton', path: undefined, note: `the project's typescript ${found.version} is older than ${MIN_MAJOR}.0` };
      return chosen;
    }
    // The project resolves to the very compiler baton ships (a fixture inside baton's tree, a
    // workspace that hoists one copy): no redirection, and no hooks thread to pay for.
    if (realpathSync(found.path) === ownPath()) {
      chosen = { version: found.version, source: 'project', path: found.path };
      return chosen;
    }
    const here = new URL('.', import.meta.url).href;
    register(new URL('./typescript-hook.js', import.meta.url), { data: { url: pathToFileURL(found.path).href, folder: here } });
    chosen = { version: found.version, source: 'project', path: found.path };
    return chosen;
  }
  chosen = { version: bundled(), source: 'baton', path: undefined, note: 'the project has no typescript of its own' };
  return chosen;
}

function findTypeScript(dir: string): { path: string; version: string } | undefined {
  try {
    const require = createRequire(join(dir, 'noop.js'));
    const path = require.resolve('typescript');
    const pkg = JSON.parse(readFileSync(join(dirname(path), '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ? { path, version: pkg.version } : undefined;
  } catch {
    return undefined;
  }
}

function ownPath(): string | undefined {
  try {
    return realpathSync(createRequire(import.meta.url).resolve('typescript'));
  } catch {
    return undefined;
  }
}

function bundled(): string {
  const require = createRequire(import.meta.url);
  return (require('typescript/package.json') as { version: string }).version;
}

/** The compiler the checker runs with in this process. */
export function compilerInUse(): CompilerChoice {
  return chosen ?? { version: bundled(), source: 'baton', path: undefined, note: 'loaded directly' };
}
