import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompiledModule } from './compile.js';
import { HotContext } from './hot.js';
import { installHome, markAsync, setCell, withFrames } from './slot-table.js';
import { registerModule } from './stack-traces.js';

/** One evaluation of one version of a module. A record holds the current one. */
export interface ModuleInstance {
  readonly id: string;
  /** Absolute path of the source this instance was compiled from. */
  readonly file: string;
  /** Names the instance's slot cells (module id and generation); patches compile against it. */
  readonly scope: string;
  /** The compiled form whose bodies the slots hold now (changes on patch). */
  compiled: CompiledModule;
  /** Evaluates an expression in the module's own scope (how a patch compiles new bodies). */
  evaluate: (source: string) => unknown;
  /** Accessor classes its scope declares (compiled.refs of the code it was evaluated from). */
  readonly refs: ReadonlySet<string>;
  /** Bindings live updates added to this instance (its scope cannot gain any): `__baton_ext` in the code. */
  readonly ext: Record<string, unknown>;
  /** Export getters, as set by the compiled code. */
  exports: Record<string, unknown>;
  /** Top-level bindings: read and write accessors, by name. */
  bindings: Record<string, readonly [() => unknown, (value: unknown) => void]>;
  readonly hot: HotContext;
  /** CommonJS only: the `module` object its code sees; `module.exports` is what `require` returns. */
  cjsModule?: CommonJsModule;
  /** Resolved dependencies, by specifier: what `require` answers. */
  readonly deps: Map<string, object>;
  /**
   * Where the module lives now, as its code reads it (`import.meta.url`, `.filename`, `.dirname`): the file it was
   * compiled from until an update moves the program to another directory (program/update/relocate.ts).
   */
  readonly location: ModuleLocation;
  status: 'linking' | 'evaluating' | 'evaluated' | 'failed';
}

/** The part of `import.meta` that says where the module is; the object the compiled code reads. */
export interface ModuleLocation {
  url: string;
  filename: string;
  dirname: string;
}

export function locationOf(file: string): ModuleLocation {
  return { url: pathToFileURL(file).href, filename: file, dirname: dirname(file) };
}

export interface EvaluateHooks {
  /** Links and evaluates the instance's imports; the body waits for it once its own exports exist. */
  linkImports(): Promise<void>;
  /** Called when the compiled code assigns `module.exports`, so namespaces can expose exports during cycles. */
  onExports(instance: ModuleInstance): void;
  importDynamic(specifier: string, instance: ModuleInstance): Promise<unknown>;
  /** CommonJS `require`: loads the module when called, as Node does. */
  require(specifier: string, instance: ModuleInstance): unknown;
  /** CommonJS `require.resolve`. */
  resolve(specifier: string, instance: ModuleInstance): string;
  /** `import.meta.resolve`. */
  resolveUrl(specifier: string, instance: ModuleInstance): string;
  /** The entry's `module` object when the entry is CommonJS (`require.main`). */
  main(): CommonJsModule | undefined;
}

/** The `module` object of a CommonJS module, with the fields programs read. */
export interface CommonJsModule {
  exports: unknown;
  readonly id: string;
  readonly filename: string;
  readonly path: string;
  readonly paths: string[];
  loaded: boolean;
  readonly children: CommonJsModule[];
  require: (specifier: string) => unknown;
}

export function createInstance(id: string, file: string, scope: string, compiled: CompiledModule, data?: Record<string, unknown>): ModuleInstance {
  return {
    id,
    file,
    scope,
    compiled,
    evaluate: () => {
      throw new Error(`baton: ${id} has not been evaluated`);
    },
    refs: new Set(compiled.refs),
    ext: Object.create(null) as Record<string, unknown>,
    exports: {},
    bindings: {},
    hot: new HotContext(data),
    deps: new Map(),
    location: locationOf(file),
    status: 'linking',
  };
}

/** `import.meta`: where the module is now (its `location`, read live), `hot`, and Node's `resolve`. */
function metaOf(instance: ModuleInstance, hooks: EvaluateHooks): object {
  const { location } = instance;
  return {
    get url() {
      return location.url;
    },
    get filename() {
      return location.filename;
    },
    get dirname() {
      return location.dirname;
    },
    hot: instance.hot,
    // Node's answer: the URL the import would load (a package's entry, a built-in's `node:` name).
    resolve: (specifier: string) => hooks.resolveUrl(String(specifier), instance),
  };
}

/** The object the compiled code sees as `module`: assigning `exports` is observed. */
function moduleObject(instance: ModuleInstance, hooks: EvaluateHooks): { exports: unknown } {
  return {
    get exports() {
      return instance.exports;
    },
    set exports(value: unknown) {
      instance.exports = value as Record<string, unknown>;
      hooks.onExports(instance);
    },
  };
}

/**
 * Runs an instance's body. Node's own `Module#_compile` turns the text into a
 * function, which gives source-mapped stack traces; the module is never put
 * in Node's cache, so an old instance is garbage once nothing refers to it.
 */
export async function evaluateInstance(instance: ModuleInstance, hooks: EvaluateHooks): Promise<void> {
  if (instance.compiled.format === 'cjs') {
    evaluateCommonJs(instance, hooks, false);
    return;
  }
  const holder = new Module(instance.file);
  holder.filename = instance.file;
  (holder as unknown as { _compile(code: string, file: string): void })._compile(instance.compiled.code, instance.file);
  const body = holder.exports as (...args: unknown[]) => Promise<void>;
  registerModule(instance, instance.file, instance.compiled);
  const dir = dirname(instance.file);
  const meta = metaOf(instance, hooks);
  const require = (specifier: string): object => {
    const dep = instance.deps.get(specifier);
    // Only the compiled imports reach here linked; the program's own `require` in an ES module is Node's ReferenceError.
    if (dep === undefined) {
      throw new ReferenceError(
        `require is not defined in ES module scope, you can use import instead (${instance.file} is an ES module: its extension, or "type": "module" in its package.json, makes it one; a .cjs or .cts file is CommonJS)`,
      );
    }
    return dep;
  };
  const importDynamic = (specifier: string) => hooks.importDynamic(String(specifier), instance);
  const esm = (value: unknown) => value;
  const bind = (bindings: ModuleInstance['bindings'], evaluate: ModuleInstance['evaluate']) => {
    instance.bindings = bindings;
    instance.evaluate = evaluate;
  };
  instance.status = 'evaluating';
  try {
    await body.call(undefined, {}, require, moduleObject(instance, hooks), instance.file, dir, meta, importDynamic, esm, bind, setCell, withFrames, markAsync, hooks.linkImports, instance.ext, installHome);
    instance.status = 'evaluated';
  } catch (error) {
    instance.status = 'failed';
    throw error;
  }
}

/**
 * Runs a CommonJS instance's body to its end, synchronously, as Node's
 * `require` does. ES importers see `instance.exports`: `default` is
 * `module.exports` and each name Node's lexer found reads
 * `module.exports[name]` (Node's interop, read live so a later version's
 * values show).
 */
export function evaluateCommonJs(instance: ModuleInstance, hooks: EvaluateHooks, isMain: boolean): void {
  const holder = new Module(instance.file);
  holder.filename = instance.file;
  (holder as unknown as { _compile(code: string, file: string): void })._compile(instance.compiled.code, instance.file);
  const body = holder.exports as (...args: unknown[]) => void;
  registerModule(instance, instance.file, instance.compiled);
  const dir = dirname(instance.file);
  const native = createRequire(instance.file);
  const require = Object.assign((specifier: string) => hooks.require(String(specifier), instance), {
    resolve: Object.assign((specifier: string) => hooks.resolve(String(specifier), instance), { paths: native.resolve.paths }),
    cache: native.cache,
    extensions: native.extensions,
  });
  Object.defineProperty(require, 'main', { get: () => hooks.main(), enumerable: true });
  let exportsValue: unknown = {};
  const module: CommonJsModule = {
    get exports() {
      return exportsValue;
    },
    set exports(value: unknown) {
      exportsValue = value;
      hooks.onExports(instance);
    },
    id: isMain ? '.' : instance.file,
    filename: instance.file,
    path: dir,
    paths: native.resolve.paths('x') ?? [],
    loaded: false,
    children: [],
    require,
  };
  instance.cjsModule = module;
  instance.exports = commonJsView(module, instance.compiled.cjs?.names ?? []);
  const meta = metaOf(instance, hooks);
  const bind = (bindings: ModuleInstance['bindings'], evaluate: ModuleInstance['evaluate']) => {
    instance.bindings = bindings;
    instance.evaluate = evaluate;
  };
  const importDynamic = (specifier: string) => hooks.importDynamic(String(specifier), instance);
  instance.status = 'evaluating';
  try {
    body.call(exportsValue, exportsValue, require, module, instance.file, dir, meta, importDynamic, importInterop, bind, setCell, withFrames, markAsync, () => undefined, instance.ext, installHome);
    module.loaded = true;
    instance.status = 'evaluated';
  } catch (error) {
    instance.status = 'failed';
    throw error;
  }
}

/** What ES importers see of a CommonJS module (an export record of getters, as the compiled ESM code sets). */
export function commonJsView(module: { readonly exports: unknown }, names: readonly string[]): Record<string, unknown> {
  const view = Object.create(null) as Record<string, unknown>;
  Object.defineProperty(view, 'default', { get: () => module.exports, enumerable: true, configurable: true });
  for (const name of names) addCommonJsName(view, module, name);
  return view;
}

export function addCommonJsName(view: Record<string, unknown>, module: { readonly exports: unknown }, name: string): void {
  if (name === 'default' || Object.prototype.hasOwnProperty.call(view, name)) return;
  Object.defineProperty(view, name, { get: () => (module.exports as Record<string, unknown> | null | undefined)?.[name], enumerable: true, configurable: true });
}

/**
 * esbuild's `__toESM` for CommonJS code (what `import x from` compiles to),
 * without its one-time copy where none is needed: a module compiled from ESM
 * syntax (`__esModule`) is used as it is, so its exports stay live; any other
 * gets esbuild's treatment: `default` is the module, other properties read
 * through. `isNodeMode` is esbuild's flag for an importer Node would treat as
 * ESM (then `default` is always the module).
 */
export function importInterop(mod: unknown, isNodeMode?: number): unknown {
  const isObject = mod !== null && (typeof mod === 'object' || typeof mod === 'function');
  if (!isNodeMode && isObject && (mod as { __esModule?: unknown }).__esModule) return mod;
  const target = (mod !== null && mod !== undefined ? Object.create(Object.getPrototypeOf(mod) as object | null) : {}) as Record<string, unknown>;
  Object.defineProperty(target, 'default', { value: mod, enumerable: true });
  if (isObject) {
    for (const key of Object.getOwnPropertyNames(mod)) {
      if (key === 'default') continue;
      const desc = Object.getOwnPropertyDescriptor(mod, key);
      Object.defineProperty(target, key, { get: () => (mod as Record<string, unknown>)[key], enumerable: !desc || desc.enumerable === true });
    }
  }
  return target;
}
