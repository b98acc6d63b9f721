import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PRECOMPILED_BUDGET, type CompileInput, type PrecompiledModule } from '../protocol/precompiled.js';
import type { Request, ResponseBody } from '../protocol/messages.js';
import type { ControlClient } from './client.js';

/** What the CLI compiled for one request, and what that cost it (outside the program's pause). */
export interface Precompiled {
  /** The modules sent with the request. */
  readonly modules: readonly PrecompiledModule[];
  /** Changed modules compiled here but not sent (over the request's budget): the program compiles them. */
  readonly unsent: number;
  /** Wall time of the compile-inputs request and the compiles, in ms. */
  readonly ms: number;
}

/** The CLI's compile, for the output: how many modules went with the request, how many did not fit, and the time. */
export interface PrecompileSummary {
  readonly sent: number;
  readonly unsent: number;
  readonly ms: number;
}

export function precompileSummary(p: Precompiled): PrecompileSummary {
  return { sent: p.modules.length, unsent: p.unsent, ms: Math.round(p.ms * 10) / 10 };
}

/**
 * An update or rollback request as `baton update` and `baton rollback` send
 * it (and the benchmarks, which measure what a user gets): the changed
 * modules compiled here first, then the request with them.
 */
export async function requestWithPrecompiled(client: ControlClient, request: Extract<Request, { type: 'update' | 'rollback' }>): Promise<{ body: ResponseBody; precompiled: Precompiled | undefined }> {
  const precompiled = await precompile(client, request.type === 'update' ? request.dir : undefined);
  const body = await client.request(precompiled && precompiled.modules.length > 0 ? { ...request, precompiled: precompiled.modules } : request);
  return { body, precompiled };
}

/**
 * Compiles, in the CLI's process, the modules of `dir` whose text differs
 * from what the program runs, against the inputs the program gives
 * (`compile-inputs`), with the same compiler: the program then has only
 * the evaluations and the commit left to do while it serves. `dir`
 * undefined: the version a rollback returns to, as the program names it.
 * Undefined when there is nothing to send: a program of an older baton
 * (which does not know the request), another compiler (then the program
 * could use nothing), or no changed module.
 */
export async function precompile(client: ControlClient, dir: string | undefined): Promise<Precompiled | undefined> {
  const started = performance.now();
  let answer;
  try {
    answer = await client.request({ type: 'compile-inputs' });
  } catch {
    // A program of an older baton does not know the request (E_PROTOCOL); any other trouble, the update request meets and reports.
    return undefined;
  }
  if (answer.type !== 'compile-inputs') return undefined;
  const { inputs } = answer;
  const root = dir ?? inputs.previousDir;
  if (root === null) return undefined;
  // The compiler loads only now (esbuild, acorn, eslint-scope): `baton ls` and `status` never pay for it.
  const [{ compileModule, hashSource }, { compilerIdentity, compileConfigKey }] = await Promise.all([import('../program/runner/compile.js'), import('../program/runner/compiler-identity.js')]);
  const compiler = compilerIdentity();
  if (compiler !== inputs.compiler) return undefined;
  const changed = (await Promise.all(inputs.modules.map((m) => changedText(root, m, hashSource)))).filter((c) => c !== undefined);
  const compiled = await Promise.all(
    changed.map(async ({ input, file, text, sourceHash }): Promise<PrecompiledModule | undefined> => {
      try {
        const { comparable: _, ...sent } = await compileModule(text, file, input.scope, input.external);
        return { file, scope: input.scope, external: input.external, sourceHash, compiler, config: compileConfigKey(file), compiled: sent };
      } catch {
        // A module that does not compile is the program's to refuse, with the same message.
        return undefined;
      }
    }),
  );
  const modules: PrecompiledModule[] = [];
  let bytes = 0;
  let unsent = 0;
  for (const m of compiled) {
    if (!m) continue;
    const size = JSON.stringify(m).length;
    if (bytes + size > PRECOMPILED_BUDGET) {
      unsent += 1;
      continue;
    }
    bytes += size;
    modules.push(m);
  }
  return { modules, unsent, ms: performance.now() - started };
}

/** The module's text in `root` when it is not what the program runs (the program compiles nothing else). */
async function changedText(root: string, input: CompileInput, hashSource: (text: string) => string): Promise<{ input: CompileInput; file: string; text: string; sourceHash: string } | undefined> {
  const file = join(root, input.id);
  try {
    if (!(await stat(file)).isFile()) return undefined;
    const text = await readFile(file, 'utf8');
    const sourceHash = hashSource(text);
    return sourceHash === input.sourceHash ? undefined : { input, file, text, sourceHash };
  } catch {
    // Gone in the new version, or unreadable: the program says so in its own terms.
    return undefined;
  }
}
