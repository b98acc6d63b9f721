import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { version as acornVersion } from 'acorn';
import { version as scopeVersion } from 'eslint-scope';
import { formatOf } from './module-format.js';
import { projectConfigOf } from './project-config.js';

/**
 * Names the compiler a module was compiled with: the code of this folder
 * (the compiler and the slot form are in it; a change to any file here
 * counts, which at worst costs a precompile that is not used) and the
 * versions of the transformer and parsers it runs. Two processes with the
 * same identity compile the same inputs to the same module: the program
 * uses a module the CLI compiled only under its own identity.
 * Read once per thread (about 0.5 MB of files hashed: off the program's
 * thread, see update/precompiled.ts).
 */
let identity: string | undefined;

export function compilerIdentity(): string {
  if (identity !== undefined) return identity;
  const hash = createHash('sha256').update(`esbuild ${esbuild.version}, acorn ${acornVersion}, eslint-scope ${scopeVersion}\n`);
  const dir = dirname(fileURLToPath(import.meta.url));
  for (const name of readdirSync(dir).filter((f) => /\.[cm]?js$/.test(f)).sort()) hash.update(name).update(readFileSync(join(dir, name)));
  identity = hash.digest('hex').slice(0, 32);
  return identity;
}

/**
 * What the compiler reads about a file besides its text: its format (from
 * the nearest package.json) and its project configuration (tsconfig), as
 * one string. A module compiled under another one (a tsconfig edited
 * between the CLI's compile and the update) is not the one the program
 * would compile.
 */
export function compileConfigKey(file: string): string {
  return JSON.stringify({ format: formatOf(file), options: projectConfigOf(file).options ?? null });
}
