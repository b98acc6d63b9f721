import type { ModuleGraph, Linker } from '../runner/module-graph.js';
import { createInstance, type ModuleInstance } from '../runner/instance.js';
import { createNamespace, pointNamespace, type Namespace } from '../runner/namespace.js';
import type { Resolved } from '../runner/resolve.js';
import type { PreparedModule } from './prepare.js';
import { yieldToLoop } from '../runner/yield-to-loop.js';
import { setCell } from '../runner/slot-table.js';

/** What the cells of a discarded staging hold. */
function discardedBody(): undefined {
  return undefined;
}
import { guardedTurn } from '../state/watchdog.js';
import type { Deadline } from './deadline.js';

/**
 * The new version's module instances while an update is prepared: evaluated,
 * linked among themselves through staging namespaces, and invisible to the
 * running program until commit. Modules that are unchanged or patched link to
 * the live namespaces, as the running program does.
 */
export class Stage implements Linker {
  /** New instances by module id (the modules an update adds). */
  readonly instances = new Map<string, ModuleInstance>();
  /** The namespaces the new instances import each other through. */
  readonly namespaces = new Map<string, Namespace>();
  private readonly evaluations = new Map<string, Promise<void>>();
  private discarded = false;
  /** What else the update set up for this staging and must undo with it (constructor watches). */
  private readonly discardHooks: Array<() => void> = [];

  constructor(
    private readonly graph: ModuleGraph,
    readonly root: string,
    /** Modules that get a new instance in this update. */
    private readonly staged: ReadonlyMap<string, PreparedModule>,
    /** Moved modules: new id -> the running record's id. */
    private readonly moved: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** `timers` tells the staged timers when a top level runs (they fire) and when not (they wait for the commit). */
  async evaluateAll(deadline: Deadline, timers?: { running(on: boolean): void }): Promise<void> {
    for (const id of this.staged.keys()) {
      timers?.running(true);
      // The synchronous part of the new top level (and of the modules it imports)
      // runs under the watchdog: an infinite loop there is interrupted.
      let pending: Promise<void> = Promise.resolve();
      await guardedTurn(`the top level of ${id} (new version)`, deadline.remaining(), () => {
        pending = this.ensure(id);
        pending.catch(() => undefined);
      });
      await pending;
      timers?.running(false);
      deadline.check();
      // The program keeps serving between the new modules' evaluations (their timers wait).
      await yieldToLoop();
    }
  }

  async link(resolved: Resolved, from: ModuleInstance): Promise<object> {
    if (resolved.kind !== 'app') return this.graph.link(resolved, from);
    const path = this.graph.idOf(resolved.file, this.root);
    const id = this.moved.get(path) ?? path;
    if (this.staged.has(id)) {
      const instance = this.instances.get(id);
      // Inside a cycle: hand out the namespace before evaluation ends, as ESM does.
      if (instance && instance.status !== 'evaluated') return this.namespaces.get(id)!;
      await this.ensure(id);
      return this.namespaces.get(id)!;
    }
    const record = this.graph.records.get(id);
    if (record) return record.namespace;
    throw new Error(`module ${id} is imported by the new version but was not planned`);
  }

  /**
   * What a live module's new import of `resolved` leads to, without
   * evaluating anything: a staged module's namespace (it is evaluated later,
   * and filled then), else what the program runs.
   */
  async linkLater(resolved: Resolved, from: ModuleInstance): Promise<object> {
    if (resolved.kind === 'app') {
      const path = this.graph.idOf(resolved.file, this.root);
      const id = this.moved.get(path) ?? path;
      if (this.staged.has(id)) return this.namespaceOf(id);
    }
    return this.link(resolved, from);
  }

  private namespaceOf(id: string): Namespace {
    let ns = this.namespaces.get(id);
    if (!ns) {
      ns = createNamespace();
      this.namespaces.set(id, ns);
    }
    return ns;
  }

  private ensure(id: string): Promise<void> {
    let pending = this.evaluations.get(id);
    if (!pending) {
      const prepared = this.staged.get(id)!;
      const old = this.graph.records.get(id)?.current;
      const instance = createInstance(id, prepared.file!, prepared.scope!, prepared.compiled!, old?.hot.data);
      const ns = this.namespaceOf(id);
      this.instances.set(id, instance);
      pending = this.graph.run(instance, this, (i) => pointNamespace(ns, i.exports)).then(() => pointNamespace(ns, instance.exports));
      this.evaluations.set(id, pending);
    }
    return pending;
  }

  /** After a failure: run the new instances' own dispose hooks so their timers stop. */
  onDiscard(hook: () => void): void {
    this.discardHooks.push(hook);
  }

  async discard(): Promise<string[]> {
    const problems: string[] = [];
    // Once: a staging given up at a deadline is discarded then, and again if its work ends later.
    if (this.discarded) return problems;
    this.discarded = true;
    for (const hook of this.discardHooks) hook();
    for (const instance of this.instances.values()) {
      for (const dispose of instance.hot.disposers) {
        try {
          await dispose(instance.hot.data);
        } catch (error) {
          problems.push(`${instance.id}: dispose of the discarded new instance threw: ${(error as Error).message}`);
        }
      }
      // Its cells would keep every body, and through them the whole discarded module graph, alive for
      // good (the heap grew 9x over 500 chaos steps). A tombstone, not a delete: a callback of the
      // discarded version that still fires finds a function that does nothing, not a TypeError.
      for (const slot of instance.compiled.slots) setCell(slot.cell, discardedBody);
      for (const cell of instance.compiled.homes) setCell(cell, discardedBody);
    }
    return problems;
  }
}
