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
      chosen = { version: bundled(), source: 'baton', path: ownPath(), note: `the project's typescript ${found.version} is older than ${MIN_MAJOR}.0` };
      break;
    }
    chosen = { version: found.version, source: 'project', path: found.path };
    break;
  }
  chosen ??= { version: bundled(), source: 'baton', path: ownPath(), note: 'the project has no typescript of its own' };
  if (chosen.path) redirect(chosen.path);
  return chosen;
}

/**
 * Points the checker's `import ts from 'typescript'` at a one-line module
 * that `require`s the chosen compiler. Also for baton's own compiler: Node
 * importing the 9 MB CommonJS file as ESM first scans it for ESM syntax and
 * for its export names (measured 2.1 s of a 10.9 s `baton diff` on a loaded
 * machine, about a fifth of the run); `require` does neither.
 */
function redirect(path: string): void {
  const shim = `import { createRequire } from 'node:module'; export default createRequire(${JSON.stringify(pathToFileURL(path).href)})(${JSON.stringify(path)});`;
  const url = `data:text/javascript,${encodeURIComponent(shim)}`;
  register(new URL('./typescript-hook.js', import.meta.url), { data: { url, folder: new URL('.', import.meta.url).href } });
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
