import ts from 'typescript';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatonError } from '../protocol/errors.js';
import { UPDATE_FILE, isBatonSpecifier } from '../program/state/update-spec.js';
import { listModules } from '../compare/source-tree.js';

/** One version tree seen through the TypeScript compiler, as `tsc -p` sees it. */
export interface VersionProgram {
  readonly root: string;
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  /** Module id (`'store.ts'`) -> its source file, for the version's own modules the program holds. */
  readonly modules: ReadonlyMap<string, ts.SourceFile>;
  /** The tsconfig.json whose options were used, if one was found above the root. */
  readonly configFile: string | undefined;
  /** The options the program was built with (the tsconfig's, with emit turned off). */
  readonly options: ts.CompilerOptions;
  /** Problems reading the tsconfig (unknown or deprecated options), reported like `tsc -p` reports them. */
  readonly configDiagnostics: readonly ts.Diagnostic[];
}

/**
 * Source files parsed once and shared by every program built with the same
 * cache: the lib files and node_modules typings dominate a small program's
 * parse time, and `baton diff` builds two programs, `baton check` three.
 */
export type SourceFileCache = Map<string, ts.SourceFile>;

// Used when no tsconfig.json is found above the version directory: what a
// strict Node.js 20 project would configure, accepting what `baton run` runs
// (ESM; `./x.js` and `./x.ts` both naming `./x.ts`, as Node's own type
// stripping requires; plain .js modules), with Node's types from the baton
// installation when the program has none of its own. @types/node is a
// dependency of baton; Node's resolution finds it wherever npm put it (hoisted
// into the user's node_modules, or nested under baton's).
const BATON_TYPE_ROOT = nodeTypesRoot();
const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  allowJs: true,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
  strict: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  noEmit: true,
};

function defaultOptions(root: string): ts.CompilerOptions {
  const own = ts.sys.directoryExists(join(root, 'node_modules', '@types', 'node')) || hasOwnNodeTypes(root);
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

/** `@types/node` in a node_modules above the version directory (a workspace root). */
function hasOwnNodeTypes(root: string): boolean {
  for (let dir = dirname(root); dir !== dirname(dir); dir = dirname(dir)) {
    if (ts.sys.directoryExists(join(dir, 'node_modules', '@types', 'node'))) return true;
  }
  return false;
}

export interface LoadOptions {
  readonly cache?: SourceFileCache;
}

/** Fails with E_BAD_DIR unless `root` is a directory. */
export function assertVersionDir(root: string): void {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new BatonError('E_BAD_DIR', `${root} is not a directory`, 'Pass the directories that hold the old and the new version.');
  }
}

/**
 * The version's own program: the files its tsconfig names (files, include,
 * exclude, extends, references) when that tsconfig covers the directory, else
 * the modules `baton run` would load, with the tsconfig's options.
 */
export async function loadVersion(root: string, opts: LoadOptions = {}): Promise<VersionProgram> {
  const absRoot = resolve(root);
  assertVersionDir(absRoot);
  const config = readOptions(absRoot);
  const ids = await listModules(absRoot);
  const covered = config.fileNames.filter((f) => isUnder(absRoot, f) && !f.endsWith(UPDATE_FILE));
  // baton's own types come along, for the `import.meta.hot` declaration.
  const rootNames = covered.length ? covered : [...ids.map((id) => join(absRoot, id)), ...config.fileNames.filter((f) => f.endsWith('.d.ts'))];
  if (BATON_TYPES) rootNames.push(BATON_TYPES);
  const host = createHost(config.options, opts.cache ?? new Map());
  const program = ts.createProgram({
    rootNames: [...new Set(rootNames)],
    options: config.options,
    host,
    ...(config.projectReferences ? { projectReferences: config.projectReferences } : {}),
  });
  const files = new Map<string, ts.SourceFile>();
  for (const id of ids) {
    const sf = program.getSourceFile(join(absRoot, id));
    if (sf) files.set(id, sf);
  }
  return { root: absRoot, program, checker: program.getTypeChecker(), modules: files, configFile: config.configFile, options: config.options, configDiagnostics: config.diagnostics };
}

/**
 * The program `baton.update.ts` is checked in: the new version's options
 * without the ones that bound the version's own tree (`rootDir`, `outDir`),
 * since the file reaches into the old version too. It holds the transformer
 * file and the modules of both versions its transformers name; the versions'
 * own errors are the version programs' business, not this one's.
 */
export function loadUpdateProgram(after: VersionProgram, updateFile: string, modules: readonly string[], cache: SourceFileCache): ts.Program {
  const options: ts.CompilerOptions = { ...after.options, noEmit: true };
  for (const key of ['rootDir', 'outDir', 'rootDirs', 'composite', 'tsBuildInfoFile'] as const) delete options[key];
  const ambient = after.program.getRootFileNames().filter((f) => f.endsWith('.d.ts'));
  const rootNames = [updateFile, ...modules, ...ambient, ...(BATON_TYPES ? [BATON_TYPES] : [])];
  return ts.createProgram({ rootNames: [...new Set(rootNames)], options, host: createHost(options, cache) });
}

interface ConfigRead {
  readonly options: ts.CompilerOptions;
  readonly fileNames: readonly string[];
  readonly projectReferences: readonly ts.ProjectReference[] | undefined;
  readonly configFile: string | undefined;
  readonly diagnostics: readonly ts.Diagnostic[];
}

// Emit is never wanted here; these options also conflict with noEmit.
const EMIT_ONLY = ['declaration', 'declarationMap', 'sourceMap', 'inlineSourceMap', 'composite', 'incremental', 'tsBuildInfoFile', 'emitDeclarationOnly'] as const;

/** The nearest tsconfig.json at or above `root`, read as `tsc -p` reads it (extends followed). */
function readOptions(root: string): ConfigRead {
  const configFile = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
  if (!configFile) return { options: defaultOptions(root), fileNames: [], projectReferences: undefined, configFile: undefined, diagnostics: [] };
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) throw new BatonError('E_COMPILE', `${configFile}: ${flatten(read.error.messageText)}`, 'Fix the tsconfig.json, or move the version directory out from under it.');
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configFile), undefined, configFile);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true };
  for (const key of EMIT_ONLY) delete options[key];
  // baton's own compiler (used when the project has none) may be newer than the
  // one the tsconfig was written for: its deprecations are not the update's problem.
  if (Number(ts.versionMajorMinor.split('.')[0]) >= 6 && options.ignoreDeprecations === undefined) options.ignoreDeprecations = '6.0';
  // "No inputs were found" only says the tsconfig does not cover this directory.
  const diagnostics = parsed.errors.filter((d) => d.code !== 18003);
  return { options, fileNames: parsed.fileNames, projectReferences: parsed.projectReferences, configFile, diagnostics };
}

function isUnder(root: string, file: string): boolean {
  const rel = relative(root, file);
  return !!rel && !rel.startsWith('..') && !rel.split(sep).includes('node_modules');
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
