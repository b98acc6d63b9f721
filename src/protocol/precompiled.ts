/**
 * Modules of a new version compiled by the CLI before it sends the update
 * request, so that the program does not compile while it serves: a compile
 * running beside the program on a machine of few cores was most of a
 * patch's pause (ARCHITECTURE.md, "Where a patch's pause comes from").
 *
 * The compiled form depends on what the running instance holds (its slot
 * scope, the bindings live updates added), so the CLI first asks for the
 * compile inputs (`compile-inputs`), then compiles with the program's own
 * compiler code. The program uses a sent module only when every input
 * matches what it would compile itself (program/update/precompiled.ts);
 * otherwise it compiles as before, so a stale or wrong module is ignored,
 * never run.
 */

/** What the program's running instance of one module compiles a new version against. */
export interface CompileInput {
  /** The module's id: its path under the version directory. */
  readonly id: string;
  /** The running instance's slot scope. */
  readonly scope: string;
  /** Bindings live updates added on `__baton_ext`. */
  readonly external: readonly string[];
  /** The hash of the text the running instance was compiled from: the same text needs no compile. */
  readonly sourceHash: string;
}

/** The program's answer to `compile-inputs`. */
export interface CompileInputs {
  /** The program's compiler (program/runner/compiler-identity.ts); a CLI with another one does not compile. */
  readonly compiler: string;
  /** The directory a rollback would return to (as it ran in this process), or null. */
  readonly previousDir: string | null;
  readonly modules: readonly CompileInput[];
}

/** One module compiled by the CLI, with every input it was compiled from. */
export interface PrecompiledModule {
  /** The new version's file, absolute, as the program joins it (update dir + module id). */
  readonly file: string;
  readonly scope: string;
  readonly external: readonly string[];
  /** The hash of the source text compiled (the program compares it with the text it reads). */
  readonly sourceHash: string;
  /** The compiler that compiled it. */
  readonly compiler: string;
  /** The project configuration the compiler read for the file (program/runner/project-config.ts `compileConfigKey`). */
  readonly config: string;
  /**
   * The compiled form (program/runner/compile.ts `CompiledModule`) without
   * `comparable`, which is `code` less its source map comment and is taken
   * from it again: a third less to send and parse.
   */
  readonly compiled: { readonly code: string } & Readonly<Record<string, unknown>>;
}

/**
 * How many bytes of precompiled modules one request carries at most. The
 * program reads no frame over 1 MiB (frames.ts, MAX_REQUEST_FRAME), and
 * parses each one on its own thread: the modules past this budget are
 * compiled by the program, as they were before.
 */
export const PRECOMPILED_BUDGET = 512 * 1024;

export function isPrecompiledList(value: unknown): value is readonly PrecompiledModule[] {
  return Array.isArray(value) && value.every(isPrecompiledModule);
}

function isPrecompiledModule(value: unknown): value is PrecompiledModule {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const compiled = v['compiled'] as Record<string, unknown> | null | undefined;
  return (
    typeof v['file'] === 'string' &&
    typeof v['scope'] === 'string' &&
    isStrings(v['external']) &&
    typeof v['sourceHash'] === 'string' &&
    typeof v['compiler'] === 'string' &&
    typeof v['config'] === 'string' &&
    typeof compiled === 'object' &&
    compiled !== null &&
    typeof compiled['code'] === 'string'
  );
}

function isStrings(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((s) => typeof s === 'string');
}
