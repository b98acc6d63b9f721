import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { relative, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BatonError } from '../../protocol/errors.js';
import { compileModule, compileModuleSync, type CompiledModule } from './compile.js';
import { compileOffThread } from './compile-pool.js';
import { addCommonJsName, createInstance, evaluateCommonJs, evaluateInstance, type CommonJsModule, type EvaluateHooks, type ModuleInstance } from './instance.js';
import { formatOf } from './module-format.js';
import { createNamespace, followNamespace, jsonNamespace, pointNamespace, type Namespace } from './namespace.js';
import { resolveImport, whereImported, type Resolved } from './resolve.js';
import { readSourceText } from './read-source.js';
import { readText } from './source-store.js';

/** One app module across its versions: a stable namespace and the instance behind it. */
export interface ModuleRecord {
  /** Its path under the app root; changed only by an update's commit, when the module moved. */
  id: string;
  /** The instance the program runs now. */
  current: ModuleInstance;
  /** The namespace every importer holds. */
  readonly namespace: Namespace;
  /** Settles when `current` has finished evaluating (shared by concurrent importers). */
  evaluation: Promise<void>;
}

/**
 * Links and evaluates instances. The live graph answers imports with the
 * records' namespaces; an update's staging linker (apply/stage.ts) answers
 * some of them with new instances that are not yet visible.
 */
export interface Linker {
  /** The namespace `specifier` (resolved from `from`) links to, evaluated as ESM would have it. */
  link(resolved: Resolved, from: ModuleInstance): Promise<object>;
}

let generation = 0;

export class ModuleGraph implements Linker {
  /** Every app module the program has loaded, by id (its path under the app root). */
  readonly records = new Map<string, ModuleRecord>();
  /** The directory the current version runs from; ids are relative to it. */
  root: string;
  private readonly natives = new Map<string, Promise<object>>();
  /** Modules being compiled for the first time: concurrent importers share one load. */
  private readonly loading = new Map<string, Promise<object>>();
  /** JSON files `require`d, by path: Node hands every requirer the same object. */
  private readonly requiredJson = new Map<string, unknown>();
  /** Live facades of CommonJS modules compiled from ESM syntax, by record (see exportsOf). */
  private readonly facades = new WeakMap<ModuleRecord, Record<string, unknown>>();
  /** The entry module's file: a CommonJS entry is `require.main`. */
  private entryFile: string | undefined;

  constructor(root: string) {
    this.root = resolvePath(root);
  }

  idOf(file: string, root = this.root): string {
    return relative(root, file).split(sep).join('/');
  }

  fileOf(id: string, root = this.root): string {
    return resolvePath(root, id);
  }

  /** A moved module takes its new id (written by the update's commit). */
  rename(from: string, to: string): void {
    const record = this.records.get(from);
    if (!record) return;
    this.records.delete(from);
    record.id = to;
    this.records.set(to, record);
  }

  async loadEntry(file: string): Promise<void> {
    this.entryFile = resolvePath(file);
    await this.link({ kind: 'app', file: this.entryFile }, undefined);
  }

  async link(resolved: Resolved, _from: ModuleInstance | undefined): Promise<object> {
    if (resolved.kind === 'native') return this.native(resolved.url);
    if (resolved.kind === 'json') return jsonNamespace(JSON.parse(await readFile(resolved.file, 'utf8')));
    const id = this.idOf(resolved.file);
    const existing = this.records.get(id);
    if (existing) {
      // An importer inside a cycle gets the namespace before evaluation ends, as in ESM.
      if (existing.current.status === 'evaluating' || existing.current.status === 'linking') return existing.namespace;
      await existing.evaluation;
      return existing.namespace;
    }
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.load(id, resolved.file).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  private async load(id: string, file: string): Promise<object> {
    // CommonJS loads synchronously from the first look-up on: a `require` of it meanwhile must find the record.
    if (formatOf(file) === 'cjs') {
      this.requireApp(file, id);
      return this.records.get(id)!.namespace;
    }
    const scope = ModuleGraph.newScope(id);
    const compiled = await compileModule(await readSourceText(file), file, scope);
    const instance = createInstance(id, file, scope, compiled);
    const record: ModuleRecord = { id, current: instance, namespace: createNamespace(), evaluation: Promise.resolve() };
    this.records.set(id, record);
    record.evaluation = this.run(instance, this, (i) => pointNamespace(record.namespace, i.exports));
    try {
      await record.evaluation;
    } catch (error) {
      this.records.delete(id);
      throw error;
    }
    pointNamespace(record.namespace, instance.exports);
    return record.namespace;
  }

  /** Links an instance's static imports through `linker`, then evaluates it. */
  async run(instance: ModuleInstance, linker: Linker, onExports: (i: ModuleInstance) => void): Promise<void> {
    if (instance.compiled.format === 'cjs' && linker !== this) {
      // A new version's CommonJS module, evaluated while an update is staged:
      // the app modules it requires by name are linked first, through the
      // staging linker, so it reaches the new instances rather than the live ones.
      for (const specifier of instance.compiled.imports) {
        let resolved: Resolved;
        try {
          resolved = this.resolveFrom(specifier, instance.file);
        } catch {
          // An optional dependency (`try { require('x') } catch {}`): the require itself fails, when it runs, as in Node.
          continue;
        }
        if (resolved.kind === 'app' && !instance.deps.has(specifier)) instance.deps.set(specifier, await linker.link(resolved, instance));
      }
    }
    await evaluateInstance(instance, this.hooks(instance, linker, onExports));
  }

  private hooks(instance: ModuleInstance, linker: Linker, onExports: (i: ModuleInstance) => void): EvaluateHooks {
    return {
      onExports,
      linkImports: async () => {
        for (const specifier of instance.compiled.imports) {
          if (instance.deps.has(specifier)) continue;
          const resolved = this.resolveFrom(specifier, instance.file);
          const ns = await linker.link(resolved, instance);
          checkImportedNames(ns, resolved, specifier, instance);
          instance.deps.set(specifier, ns);
        }
      },
      // Resolved from where the module lives in the version running now: a
      // patched or unchanged instance was compiled from an older version's tree.
      importDynamic: (specifier, from) => this.link(this.resolveFrom(specifier, this.fileOf(from.id)), from),
      // A live instance resolves from where its module lives in the version running now (as importDynamic);
      // one staged by an update, from the new version's tree it was compiled from.
      require: (specifier, from) => this.require(specifier, from, linker === this ? this.fileOf(from.id) : from.file),
      resolve: (specifier, from) => {
        const resolved = this.resolveFrom(specifier, linker === this ? this.fileOf(from.id) : from.file);
        return resolved.kind === 'native' ? (resolved.file ?? specifier) : resolved.file;
      },
      resolveUrl: (specifier, from) => {
        const resolved = this.resolveFrom(specifier, linker === this ? this.fileOf(from.id) : from.file);
        return resolved.kind === 'native' ? resolved.url : pathToFileURL(resolved.file).href;
      },
      main: () => this.mainModule(),
    };
  }

  private mainModule(): CommonJsModule | undefined {
    return this.entryFile === undefined ? undefined : this.records.get(this.idOf(this.entryFile))?.current.cjsModule;
  }

  private resolveFrom(specifier: string, file: string): Resolved {
    return resolveImport(specifier, file);
  }

  /** CommonJS `require` from an app module: Node's own for packages, the graph's (synchronous) for app modules. */
  private require(specifier: string, from: ModuleInstance, fromFile: string): unknown {
    const resolved = this.resolveFrom(specifier, fromFile);
    if (resolved.kind === 'native') {
      return createRequire(fromFile)(resolved.file ?? (resolved.url.startsWith('file:') ? fileURLToPath(resolved.url) : resolved.url));
    }
    if (resolved.kind === 'json') {
      if (!this.requiredJson.has(resolved.file)) this.requiredJson.set(resolved.file, JSON.parse(readFileSync(resolved.file, 'utf8')));
      return this.requiredJson.get(resolved.file);
    }
    const linked = from.deps.get(specifier);
    if (linked) return formatOf(resolved.file) === 'cjs' ? (linked as { default: unknown }).default : linked;
    const id = this.idOf(resolved.file);
    const record = this.records.get(id);
    if (record) return record.current.cjsModule ? this.exportsOf(record) : record.namespace;
    if (formatOf(resolved.file) === 'esm') {
      throw new BatonError(
        'E_RESOLVE',
        `cannot require the ES module '${specifier}' (${resolved.file}) from ${whereImported(specifier, fromFile)}: baton loads app ES modules asynchronously`,
        'import it (`import` or `await import()`) instead, or make it CommonJS (a .cts file, or a package.json without "type": "module")',
      );
    }
    return this.requireApp(resolved.file, id);
  }

  /** Compiles and evaluates a CommonJS app module now (Node's `require`): its `module.exports`. */
  private requireApp(file: string, id: string): unknown {
    const scope = ModuleGraph.newScope(id);
    const compiled = compileModuleSync(readFileSync(file, 'utf8'), file, scope);
    const instance = createInstance(id, file, scope, compiled);
    const record: ModuleRecord = { id, current: instance, namespace: createNamespace(), evaluation: Promise.resolve() };
    this.records.set(id, record);
    try {
      evaluateCommonJs(instance, this.hooks(instance, this, (i) => pointNamespace(record.namespace, i.exports)), file === this.entryFile);
    } catch (error) {
      this.records.delete(id);
      throw error;
    }
    this.addReexports(instance);
    pointNamespace(record.namespace, instance.exports);
    return this.exportsOf(record);
  }

  /**
   * What `require` of a CommonJS app module returns: its `module.exports`,
   * except for a module compiled from ESM syntax (esbuild's `__esModule`
   * object of getters), whose requirers get a facade that reads the module's
   * current instance: a version an update reloads reaches the requirers that
   * read `import_x.name` (the compiled form of `import { name }`), as ES
   * importers reach it through their namespace.
   */
  private exportsOf(record: ModuleRecord): unknown {
    const exports = record.current.cjsModule?.exports;
    if (exports === null || typeof exports !== 'object' || (exports as { __esModule?: unknown }).__esModule !== true) return exports;
    let facade = this.facades.get(record);
    if (!facade) {
      const made = Object.create(null) as Record<string, unknown>;
      Object.defineProperty(made, '__esModule', { value: true });
      const follow = () => {
        const current = (record.current.cjsModule?.exports ?? {}) as Record<string, unknown>;
        for (const key of Object.keys(current)) {
          if (Object.prototype.hasOwnProperty.call(made, key)) continue;
          Object.defineProperty(made, key, { get: () => (record.current.cjsModule?.exports as Record<string, unknown> | undefined)?.[key], enumerable: true });
        }
      };
      follow();
      followNamespace(record.namespace, follow);
      this.facades.set(record, made);
      facade = made;
    }
    return facade;
  }

  /** Names a CommonJS module re-exports (`module.exports = require('./x')`), found as Node finds them: in the re-exported module. */
  private addReexports(instance: ModuleInstance): void {
    const module = instance.cjsModule!;
    for (const specifier of instance.compiled.cjs?.reexports ?? []) {
      let names: string[] = [];
      try {
        const resolved = this.resolveFrom(specifier, instance.file);
        if (resolved.kind === 'app') names = Object.keys(this.records.get(this.idOf(resolved.file))?.current.exports ?? {});
        else if (resolved.kind === 'native' && resolved.file) names = Object.keys(createRequire(instance.file)(resolved.file) as object);
      } catch {
        continue;
      }
      for (const name of names) addCommonJsName(instance.exports, module, name);
    }
  }

  native(url: string): Promise<object> {
    let pending = this.natives.get(url);
    if (!pending) {
      pending = import(url) as Promise<object>;
      this.natives.set(url, pending);
    }
    return pending;
  }

  /** Reads and compiles one module of another version tree (for updates, off the program's thread), for the instance `scope` names. */
  static async compileFrom(file: string, scope: string, external: readonly string[] = []): Promise<CompiledModule> {
    return compileOffThread(await readText(file), file, scope, external);
  }

  /**
   * A fresh slot scope for a new instance of module `id`. A patch compiles
   * against the running instance's scope, so its cells line up; a new
   * instance (a reload, an added module) gets cells of its own, which nothing
   * running can reach before commit.
   */
  static newScope(id: string): string {
    generation += 1;
    return `${id}@${generation}`;
  }
}


/**
 * Node refuses to link a named import the imported module does not provide
 * (for a CommonJS module: a name its cjs-module-lexer did not find). Checked
 * for what Node itself loads and for CommonJS and JSON app modules, whose
 * names baton derives as Node does; an app ES module's names are its exports.
 */
function checkImportedNames(ns: object, resolved: Resolved, specifier: string, instance: ModuleInstance): void {
  const names = instance.compiled.importedNames?.[specifier];
  if (!names) return;
  const commonJs = resolved.kind === 'app' && formatOf(resolved.file) === 'cjs';
  if (resolved.kind === 'app' && !commonJs) return;
  const missing = names.find((name) => !(name in ns));
  if (missing === undefined) return;
  const where = whereImported(specifier, instance.file, missing);
  const hint =
    resolved.kind === 'json'
      ? `a JSON module has only a default export: \`import data from '${specifier}'\`, then read data.${missing}`
      : `if it is a CommonJS module, Node finds only the names its cjs-module-lexer detects: \`import pkg from '${specifier}'\`, then read pkg.${missing}`;
  throw new BatonError('E_RESOLVE', `the module '${specifier}' provides no export named '${missing}', imported by ${where}`, hint);
}
