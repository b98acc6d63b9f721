import ts from 'typescript';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatonError } from '../protocol/errors.js';
import { UPDATE_FILE, isBatonSpecifier } from '../program/state/update-spec.js';
import { listModules } from '../compare/source-tree.js';

/** One version tree seen through the TypeScript compiler. */
export interface VersionProgram {
  readonly root: string;
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  /** Module id (`'store.ts'`) -> its source file, for the version's own modules. */
  readonly modules: ReadonlyMap<string, ts.SourceFile>;
  /** The tsconfig.json whose options were used, if one was found above the root. */
  readonly configFile: string | undefined;
}

/**
 * Source files parsed once and shared by every program built with the same
 * cache: the lib files and node_modules typings dominate a small program's
 * parse time, and `baton diff` builds two programs, `baton check` three.
 */
export type SourceFileCache = Map<string, ts.SourceFile>;

// Used when no tsconfig.json is found above the version directory: what a
// strict Node.js 20 project would configure, with the module semantics baton
// runs code with (ESM, `./x.js` naming `./x.ts`), and Node's types from the
// baton installation when the program has none of its own. @types/node is a
// dependency of baton; Node's resolution finds it wherever npm put it (hoisted
// into the user's node_modules, or nested under baton's).
const BATON_TYPE_ROOT = nodeTypesRoot();
const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
  strict: true,
  skipLibCheck: true,
  resolveJsonModule: true,
};

function defaultOptions(root: string): ts.CompilerOptions {
  const own = ts.sys.directoryExists(join(root, 'node_modules', '@types', 'node'));
  return own || BATON_TYPE_ROOT === undefined ? { ...DEFAULT_OPTIONS } : { ...DEFAULT_OPTIONS, typeRoots: [BATON_TYPE_ROOT] };
}

/** The `@types` folder holding the @types/node baton resolves, if any. */
function nodeTypesRoot(): string | undefined {
  try {
    return dirname(dirname(createRequire(import.meta.url).resolve('@types/node/package.json')));
  } catch {
    return undefined;
  }
}

export interface LoadOptions {
  /** Also load `baton.update.ts` from the root of this version. */
  readonly withUpdateFile?: boolean;
  /** Other version roots whose modules join the program (the old version, for `baton check`). */
  readonly alsoRoots?: readonly string[];
  readonly cache?: SourceFileCache;
}

/** Fails with E_BAD_DIR unless `root` is a directory. */
export function assertVersionDir(root: string): void {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new BatonError('E_BAD_DIR', `${root} is not a directory`, 'Pass the directories that hold the old and the new version.');
  }
}

export async function loadVersion(root: string, opts: LoadOptions = {}): Promise<VersionProgram> {
  const absRoot = resolve(root);
  assertVersionDir(absRoot);
  const { options, ambient, configFile } = readOptions(absRoot);
  const modules = new Map<string, string>();
  for (const id of await listModules(absRoot)) modules.set(id, join(absRoot, id));
  // baton's own types come along, for the `import.meta.hot` declaration.
  const rootNames = [...modules.values(), ...ambient, ...(BATON_TYPES ? [BATON_TYPES] : [])];
  for (const other of opts.alsoRoots ?? []) {
    for (const id of await listModules(resolve(other))) rootNames.push(join(resolve(other), id));
  }
  const updateFile = join(absRoot, UPDATE_FILE);
  if (opts.withUpdateFile && existsSync(updateFile)) rootNames.push(updateFile);
  const host = createHost(options, opts.cache ?? new Map());
  const program = ts.createProgram({ rootNames: [...new Set(rootNames)], options, host });
  const files = new Map<string, ts.SourceFile>();
  for (const [id, file] of modules) {
    const sf = program.getSourceFile(file);
    if (sf) files.set(id, sf);
  }
  return { root: absRoot, program, checker: program.getTypeChecker(), modules: files, configFile };
}

/** The nearest tsconfig.json at or above `root`, its options, and the ambient `.d.ts` files it includes. */
function readOptions(root: string): { options: ts.CompilerOptions; ambient: string[]; configFile: string | undefined } {
  const configFile = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
  if (!configFile) return { options: { ...defaultOptions(root), noEmit: true }, ambient: [], configFile: undefined };
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) throw new BatonError('E_COMPILE', `${configFile}: ${flatten(read.error.messageText)}`, 'Fix the tsconfig.json, or move the version directory out from under it.');
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configFile), undefined, configFile);
  // Type declarations the project includes beside its sources (an
  // `import.meta.hot` augmentation, say) are part of every version.
  const ambient = parsed.fileNames.filter((f) => f.endsWith('.d.ts'));
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true };
  for (const key of ['declaration', 'declarationMap', 'sourceMap', 'inlineSourceMap', 'composite', 'incremental', 'tsBuildInfoFile', 'emitDeclarationOnly'] as const) {
    delete options[key];
  }
  return { options, ambient, configFile };
}

function createHost(options: ts.CompilerOptions, cache: SourceFileCache): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const key = `${fileName}\0${typeof languageVersion === 'object' ? `${languageVersion.languageVersion}/${languageVersion.impliedNodeFormat ?? ''}` : languageVersion}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const sf = getSourceFile(fileName, languageVersion, onError, shouldCreate);
    if (sf) cache.set(key, sf);
    return sf;
  };
  const moduleCache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (f) => f, options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts, containingSourceFile) =>
    literals.map((literal) => {
      const mode = ts.getModeForUsageLocation(containingSourceFile, literal, opts);
      const found = ts.resolveModuleName(literal.text, containingFile, opts, host, moduleCache, redirected, mode);
      if (!found.resolvedModule && isBatonSpecifier(literal.text) && BATON_TYPES) {
        // A transformer file imports `defineUpdate` from baton; a version
        // directory outside any project that installs baton still resolves it.
        return { resolvedModule: { resolvedFileName: BATON_TYPES, extension: BATON_TYPES.endsWith('.d.ts') ? ts.Extension.Dts : ts.Extension.Ts, isExternalLibraryImport: false } };
      }
      return found;
    });
  return host;
}

/** baton's own public types, beside this file once built (dist/src/index.d.ts), or its source. */
const BATON_TYPES: string | undefined = ['../index.d.ts', '../index.ts']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((f) => existsSync(f));

export function flatten(message: string | ts.DiagnosticMessageChain): string {
  return ts.flattenDiagnosticMessageText(message, '\n');
}

/** `file:line` (1-based) of a node, with the path relative to `base`. */
export function where(node: ts.Node, base?: string): { file: string; line: number } {
  const sf = node.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  const file = base && sf.fileName.startsWith(base + '/') ? sf.fileName.slice(base.length + 1) : sf.fileName;
  return { file, line: line + 1 };
}
