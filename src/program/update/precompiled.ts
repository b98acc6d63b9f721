import type { CompileInputs, PrecompiledModule } from '../../protocol/precompiled.js';
import type { CompiledModule } from '../runner/compile.js';
import { runOffThread } from '../runner/compile-pool.js';
import { compileConfigKey } from '../runner/compiler-identity.js';
import type { Runtime } from './runtime.js';

/**
 * The program's side of modules the CLI compiled before the request
 * (protocol/precompiled.ts). A sent module is used only when it was
 * compiled from exactly what the program would compile now: the same
 * source text (by hash, against the text the program read), file, slot
 * scope, external bindings, compiler and project configuration. Anything
 * else is compiled here, as without the CLI's help, so a stale or wrong
 * module never changes what the update does.
 */

let identity: Promise<string | undefined> | undefined;

/**
 * This program's compiler identity, computed once on the compile thread
 * (hashing the compiler's files is half a megabyte of reads and hashing:
 * not for the program's thread). Asked for at warm-up, so an update
 * normally finds it known and the thread need not wake.
 */
export function programCompiler(): Promise<string | undefined> {
  identity ??= runOffThread('compiler-identity', null).catch(() => {
    identity = undefined;
    return undefined;
  });
  return identity;
}

/** The answer to `compile-inputs`: each running module's scope, external bindings and source hash. */
export async function compileInputs(runtime: Runtime): Promise<CompileInputs> {
  const previous = runtime.previous.at(-1);
  return {
    compiler: (await programCompiler()) ?? '',
    // A previous version from an earlier process is returned to by a hand-off back, which compiles nothing here.
    previousDir: previous && !previous.restart ? previous.info.dir : null,
    modules: [...runtime.graph.records.values()].map((r) => ({ id: r.id, scope: r.current.scope, external: r.current.compiled.external, sourceHash: r.current.compiled.sourceHash })),
  };
}

/** The modules one update request carried, by file; each taken at most once. */
export class OfferedModules {
  private readonly byFile = new Map<string, PrecompiledModule>();

  private constructor(modules: readonly PrecompiledModule[], private readonly compiler: string) {
    for (const m of modules) this.byFile.set(m.file, m);
  }

  /** Undefined when nothing was sent, or the program's compiler is not known (then nothing can match). */
  static async of(modules: readonly PrecompiledModule[] | undefined): Promise<OfferedModules | undefined> {
    if (!modules || modules.length === 0) return undefined;
    const compiler = await programCompiler();
    return compiler === undefined ? undefined : new OfferedModules(modules, compiler);
  }

  /** The sent module for these inputs, if it was compiled from exactly them. */
  take(file: string, sourceHash: string, scope: string, external: readonly string[]): CompiledModule | undefined {
    const m = this.byFile.get(file);
    if (!m) return undefined;
    this.byFile.delete(file);
    if (m.compiler !== this.compiler || m.scope !== scope || m.sourceHash !== sourceHash || !sameList(m.external, external)) return undefined;
    const compiled = asCompiledModule(m.compiled);
    if (!compiled || compiled.sourceHash !== sourceHash || !sameList(compiled.external, external)) return undefined;
    // Last, as it may read the file's tsconfig and package.json (once per directory).
    return m.config === compileConfigKey(file) ? compiled : undefined;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

const MAP_COMMENT = '//# sourceMappingURL=';

/** The sent form with `comparable` restored, if it has the compiled form's shape. */
function asCompiledModule(sent: PrecompiledModule['compiled']): CompiledModule | undefined {
  const s = sent as Record<string, unknown>;
  const strings = ['code', 'skeleton', 'sourceHash'];
  const arrays = ['slots', 'plain', 'homes', 'refs', 'imports', 'external', 'bindings'];
  if (!strings.every((k) => typeof s[k] === 'string') || !arrays.every((k) => Array.isArray(s[k]))) return undefined;
  if (s['format'] !== 'esm' && s['format'] !== 'cjs') return undefined;
  const code = s['code'] as string;
  const at = code.lastIndexOf(MAP_COMMENT);
  if (at < 0) return undefined;
  return { ...(s as unknown as Omit<CompiledModule, 'comparable'>), comparable: code.slice(0, at) };
}
