import * as esbuild from 'esbuild';
import { extname } from 'node:path';
import remapping from '@jridgewell/remapping';
import { createHash } from 'node:crypto';
import { BatonError } from '../../protocol/errors.js';
import { toSlotForm, type PlainFunction, type SlotBody } from './slots.js';
import { yieldToLoop } from './yield-to-loop.js';
import { bindingAccessor, exposeTopLevel, type TopLevelBinding } from './top-level.js';

export type { TopLevelBinding } from './top-level.js';
import { formatOf, type ModuleFormat } from './module-format.js';
import { TLA, firstLine, lexCommonJs, markModuleSyntax, parse, staticRequires } from './module-syntax.js';
import { esbuildCompilerOptions, projectConfigOf } from './project-config.js';
import { wantsDecoratorMetadata, withDecoratorMetadata } from './decorator-metadata.js';

/**
 * A module compiled into baton's runnable form: the body of an async function
 * (so top-level await works) whose imports go through `require`, which the
 * runner answers with live namespaces, and whose functions are stubs calling
 * bodies held in slots (slots.ts). Evaluated by `Module.prototype._compile`,
 * so Node maps stack traces back through the inline source map.
 */
export interface CompiledModule {
  /** The full script text handed to V8 (wrapper, body, inline source map). */
  readonly code: string;
  /** The same text without the source map comment: what two versions are compared on. */
  readonly comparable: string;
  /** The module code with stubs and without bodies: equal skeletons differ only in bodies (a patch). */
  readonly skeleton: string;
  /** Function bodies by slot, in source order. */
  readonly slots: readonly SlotBody[];
  /** Functions kept in plain form, with the reason. */
  readonly plain: readonly PlainFunction[];
  /** Cells holding classes and their `super` helpers (slots.ts). */
  readonly homes: readonly string[];
  /** Accessor classes the module's scope declares (slots.ts). */
  readonly refs: readonly string[];
  /** Set when the whole module stays in plain form (direct eval): no change to it can be a patch. */
  readonly unslottable?: { readonly construct: string; readonly line: number };
  /** A hash of the source text it was compiled from: the same text, scope and external names compile the same. */
  readonly sourceHash: string;
  /** ESM: linked before the body runs, a namespace per import; CommonJS: each `require` loads when it runs. */
  readonly format: ModuleFormat;
  /**
   * ESM: static import specifiers, in source order, loaded before the body runs.
   * CommonJS: the string-literal `require` specifiers (loaded when called).
   */
  readonly imports: readonly string[];
  /** ESM only: the names each specifier's static imports name (not `default`), checked at link time as Node does. */
  readonly importedNames?: Readonly<Record<string, readonly string[]>>;
  /** CommonJS only: the export names Node's cjs-module-lexer finds (what ESM importers may name), and re-exported specifiers. */
  readonly cjs?: { readonly names: readonly string[]; readonly reexports: readonly string[] };
  /** Bindings added by live updates, held on `__baton_ext` (slots.ts): the code was compiled with them there. */
  readonly external: readonly string[];
  /** Top-level bindings the runner can read and write (state carried across reloads). */
  readonly bindings: readonly TopLevelBinding[];
}

/** Parameters of the wrapper function, in the order the runner passes them. */
export const WRAPPER_PARAMS = [
  'exports',
  'require',
  'module',
  '__filename',
  '__dirname',
  '__baton_meta',
  '__baton_import',
  '__baton_esm',
  '__baton_bind',
  '__baton_slot',
  '__baton_frames',
  '__baton_async',
  '__baton_ready',
  '__baton_ext',
  '__baton_home',
] as const;

const LOADERS: Record<string, esbuild.Loader> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
  '.jsx': 'jsx',
};

export function isCompilable(file: string): boolean {
  return extname(file) in LOADERS;
}

/**
 * `scope` names the module instance the code is compiled for (module id and
 * generation, see module-graph.ts): its slot cells are named from it, so two
 * versions compiled with the same scope line up function by function.
 */
export async function compileModule(source: string, file: string, scope: string, external: readonly string[] = []): Promise<CompiledModule> {
  const steps = compileSteps(source, file, scope, external);
  let step = steps.next();
  while (!step.done) {
    const want = step.value;
    if (want === 'yield') {
      // Each parse runs on a turn of its own (see yield-to-loop.ts).
      await yieldToLoop();
      step = steps.next('');
    } else {
      step = steps.next(await transform(esbuild.transform, want));
    }
  }
  return step.value;
}

/**
 * The same compilation, synchronously: what `require` of a CommonJS module
 * needs, since Node's `require` returns the module's exports at once.
 */
export function compileModuleSync(source: string, file: string, scope: string, external: readonly string[] = []): CompiledModule {
  const steps = compileSteps(source, file, scope, external);
  let step = steps.next();
  while (!step.done) {
    const want = step.value;
    step = steps.next(want === 'yield' ? '' : transformSync(want));
  }
  return step.value;
}

interface TransformStep {
  readonly text: string;
  readonly options: esbuild.TransformOptions;
  readonly file: string;
}

async function transform(run: typeof esbuild.transform, step: TransformStep): Promise<string> {
  try {
    return (await run(step.text, step.options)).code;
  } catch (error) {
    throw compileError(step.file, error);
  }
}

function transformSync(step: TransformStep): string {
  try {
    return esbuild.transformSync(step.text, step.options).code;
  } catch (error) {
    throw compileError(step.file, error);
  }
}

/** esbuild's first error, as `file:line:column: text` (the place the user edits), not its "Transform failed" summary. */
function compileError(file: string, error: unknown): BatonError {
  const first = (error as { errors?: esbuild.Message[] }).errors?.[0];
  const where = first?.location ? `${file}:${first.location.line}:${first.location.column + 1}` : file;
  const text = first ? first.text : firstLine(error);
  return new BatonError('E_COMPILE', `cannot compile ${where}: ${text}`, 'fix the syntax error and try again');
}

// Private fields are lowered to WeakMaps held in top-level bindings, so a
// reloaded class (whose bindings are carried by name) still reads the
// private state of instances the old class created.
const LOWERED: Record<string, boolean> = { 'class-private-field': false, 'class-private-method': false, 'class-private-accessor': false, 'class-private-static-field': false, 'class-private-static-method': false, 'class-private-static-accessor': false, 'class-private-brand-check': false };

/**
 * The compiler as a sequence of steps: it yields each esbuild transform it
 * needs (answered with the output) and each point where the loop may run
 * (`'yield'`), so one implementation serves the asynchronous compile of ESM
 * and updates and the synchronous one of `require`.
 */
function* compileSteps(source: string, file: string, scope: string, external: readonly string[]): Generator<TransformStep | 'yield', CompiledModule, string> {
  const sourceHash = hashSource(source);
  const loader = LOADERS[extname(file)] ?? 'ts';
  const format = formatOf(file);
  // A `#!` line (an executable entry) would land inside the wrapper function: it becomes a comment, lines unchanged.
  if (source.startsWith('#!')) source = `//${source.slice(2)}`;
  const tsconfigRaw = { compilerOptions: esbuildCompilerOptions(file) } as esbuild.TransformOptions['tsconfigRaw'];
  const options = projectConfigOf(file).options;
  if (wantsDecoratorMetadata(options, file, source)) source = withDecoratorMetadata(source, file, format, options?.useDefineForClassFields);
  if (format === 'cjs') return yield* compileCommonJs(source, file, scope, external, loader, tsconfigRaw, sourceHash);
  // An ESM file is a module even with no import or export: without one, esbuild reads it as a sloppy script.
  source = `${source}\nexport {};\n`;
  const esm = yield {
    file,
    text: source,
    options: { loader, format: 'esm', sourcefile: file, sourcemap: 'inline', target: 'node20', platform: 'node', supported: LOWERED, ...(tsconfigRaw ? { tsconfigRaw } : {}) },
  };
  yield 'yield';
  const { text: marked, imports, importedNames } = markModuleSyntax(esm, file);
  let cjs = yield { file, text: marked, options: { loader: 'js', format: 'cjs', sourcefile: file, sourcemap: 'inline', target: 'node20', platform: 'node' } };
  // esbuild's interop helper copies a namespace's properties once; baton's
  // require already returns ESM-shaped live namespaces, so the identity
  // function takes its place and exports added by a later version stay visible.
  cjs = cjs.replaceAll('__toESM(', '__baton_esm(').replaceAll(`${TLA}(`, 'await (');
  // esbuild wraps the export object in a copy whose getters call the original
  // getters; exposing the original makes every import a single getter call.
  cjs = cjs.replace(/^module\.exports = __toCommonJS\((\w+_exports)\);$/m, 'module.exports = $1;');
  // ESM instantiates before it evaluates: a module's function declarations
  // and exports exist before its imports run, so an import cycle can call
  // them early. The body pauses here, with its exports set and its slots
  // installed, until the runner has linked and evaluated its imports.
  const ready = 'await __baton_ready();';
  const exportsAt = cjs.search(/^module\.exports = \w+_exports;$/m);
  cjs = exportsAt >= 0 ? cjs.replace(/^(module\.exports = \w+_exports;)$/m, `$1 ${ready}`) : `${ready} ${cjs}`;
  yield 'yield';
  return finish(cjs, file, scope, external, 'async function', { format: 'esm', source, sourceHash, imports, importedNames });
}

/**
 * A CommonJS module: one esbuild pass to CommonJS (which also turns `import`
 * syntax in a CommonJS-context `.ts` file into `require`, as tsx does), no
 * linking before the body: each `require` loads its module when it runs, as
 * in Node. The wrapper is a plain function, so a `require` of it returns
 * with its exports set.
 */
function* compileCommonJs(
  source: string,
  file: string,
  scope: string,
  external: readonly string[],
  loader: esbuild.Loader,
  tsconfigRaw: esbuild.TransformOptions['tsconfigRaw'],
  sourceHash: string,
): Generator<TransformStep | 'yield', CompiledModule, string> {
  let cjs = yield {
    file,
    text: source,
    options: { loader, format: 'cjs', sourcefile: file, sourcemap: 'inline', target: 'node20', platform: 'node', supported: LOWERED, ...(tsconfigRaw ? { tsconfigRaw } : {}) },
  };
  // esbuild's interop helper copies a module's properties once; the runner's
  // (instance.ts) keeps a module compiled from ESM syntax as it is, so a later
  // version's exports reach importers that read them as `import_x.name`.
  cjs = cjs.replaceAll('__toESM(', '__baton_esm(');
  yield 'yield';
  // The names an ES module may import from it: Node's own detection, run on what Node would see.
  const { exports: names, reexports } = lexCommonJs(cjs, file);
  return finish(cjs, file, scope, external, 'function', { format: 'cjs', source, sourceHash, imports: staticRequires(cjs, file), cjs: { names, reexports } });
}

interface FormatParts {
  readonly format: ModuleFormat;
  /** The program's own text, which tells its names from the compiler's (`isGenerated`). */
  readonly source: string;
  readonly sourceHash: string;
  readonly imports: readonly string[];
  readonly importedNames?: Readonly<Record<string, readonly string[]>>;
  readonly cjs?: { readonly names: readonly string[]; readonly reexports: readonly string[] };
}

/**
 * The wrapper's parameter names. An ES module has no `__filename` or
 * `__dirname` in Node, and declares its own from `import.meta.url` (the
 * usual `const __dirname = dirname(fileURLToPath(import.meta.url))`, which
 * esbuild leaves unrenamed): a parameter of that name would make the
 * declaration a SyntaxError, so an ES module's wrapper takes those two
 * arguments under names no program uses. A CommonJS module gets them, as in
 * Node (where declaring them again is the same SyntaxError).
 */
function paramsFor(format: ModuleFormat): readonly string[] {
  if (format !== 'esm') return WRAPPER_PARAMS;
  return WRAPPER_PARAMS.map((p) => (p === '__filename' || p === '__dirname' ? `__baton_unused${p}` : p));
}

/** The slot form of esbuild's CommonJS-shaped output, in the wrapper the runner calls. */
function finish(cjs: string, file: string, scope: string, external: readonly string[], wrapper: 'async function' | 'function', parts: FormatParts): CompiledModule {
  const mapAt = cjs.lastIndexOf('//# sourceMappingURL=');
  const esbuildMap = mapAt >= 0 ? decodeInlineMap(cjs.slice(mapAt)) : undefined;
  const body = mapAt >= 0 ? cjs.slice(0, mapAt) : cjs;
  const ast = parse(body, file, 'script');
  const moved = new Set(external);
  const { text: bodyWithLets, bindings } = exposeTopLevel(body, ast, moved, parts.source);
  const head = `module.exports = ${wrapper} (${paramsFor(parts.format).join(', ')}) { "use strict"; ${bindingAccessor(bindings)} `;
  let form;
  try {
    form = toSlotForm(bodyWithLets, file, scope, ast, { head, tail: '\n};\n' }, moved);
  } catch (error) {
    if (process.env['BATON_DEBUG']) console.error(error);
    throw new BatonError('E_INTERNAL', `cannot compile ${file} into the slot form: ${firstLine(error)}`, 'report this with the file');
  }
  // One level: esbuild's map names the same file, as the original source.
  const map = esbuildMap ? remapping(form.map, (source, context) => (context.depth === 1 && source === file ? esbuildMap : null)) : JSON.parse(form.map);
  const comparable = form.text;
  const inline = `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
  return {
    code: comparable + inline,
    comparable,
    skeleton: form.skeleton,
    slots: form.slots,
    plain: form.plain,
    homes: form.homes,
    refs: form.refs,
    ...(form.unslottable ? { unslottable: form.unslottable } : {}),
    sourceHash: parts.sourceHash,
    format: parts.format,
    imports: parts.imports,
    ...(parts.importedNames ? { importedNames: parts.importedNames } : {}),
    ...(parts.cjs ? { cjs: parts.cjs } : {}),
    bindings,
    external,
  };
}

export function hashSource(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

function decodeInlineMap(comment: string): string | undefined {
  const at = comment.indexOf('base64,');
  if (at < 0) return undefined;
  return Buffer.from(comment.slice(at + 7).trim(), 'base64').toString('utf8');
}
