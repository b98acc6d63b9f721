import { readFile } from 'node:fs/promises';
import { relative, resolve as resolvePath, sep } from 'node:path';
import { compileModule, type CompiledModule } from './compile.js';
import { compileOffThread } from './compile-pool.js';
import { createInstance, evaluateInstance, type ModuleInstance } from './instance.js';
import { createNamespace, jsonNamespace, pointNamespace, type Namespace } from './namespace.js';
import { resolveImport, type Resolved } from './resolve.js';
import { readText } from './source-store.js';

/** One app module across its versions: a stable namespace and the instance behind it. */
export interface ModuleRecord {
  readonly id: string;
  /** The instance the program runs now. */
  current: ModuleInstance;
  /** The namespace every importer holds. */
  readonly namespace: Namespace;
  /** Settles when `current` has finished evaluating (shared by concurrent importers). */
  evaluation: Promise<void>;
  /** Other namespace objects for this module, captured by instances staged in an update. */
  readonly views: Set<WeakRef<Namespace>>;
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

  constructor(root: string) {
    this.root = resolvePath(root);
  }

  idOf(file: string, root = this.root): string {
    return relative(root, file).split(sep).join('/');
  }

  fileOf(id: string, root = this.root): string {
    return resolvePath(root, id);
  }

  async loadEntry(file: string): Promise<void> {
    await this.link({ kind: 'app', file: resolvePath(file) }, undefined);
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
    const scope = ModuleGraph.newScope(id);
    const compiled = await compileModule(await readFile(file, 'utf8'), file, scope);
    const instance = createInstance(id, file, scope, compiled);
    const record: ModuleRecord = { id, current: instance, namespace: createNamespace(), evaluation: Promise.resolve(), views: new Set() };
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
    await evaluateInstance(instance, {
      onExports,
      linkImports: async () => {
        for (const specifier of instance.compiled.imports) {
          if (instance.deps.has(specifier)) continue;
          instance.deps.set(specifier, await linker.link(resolveImport(specifier, instance.file), instance));
        }
      },
      // Resolved from where the module lives in the version running now: a
      // patched or unchanged instance was compiled from an older version's tree.
      importDynamic: (specifier, from) => this.link(resolveImport(specifier, this.fileOf(from.id)), from),
    });
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

