import type { LivePlan } from '../../compare/live-plan.js';
import { addedStatements, classMembersSource, declarationOf, exportEntries, initializerOf, newStatements } from '../../compare/live-plan.js';
import { BatonError } from '../../protocol/errors.js';
import { collectEager } from './migrations.js';
import type { ReachableWalk } from '../state/reachable.js';
import { reasonNotToCarry } from '../state/carry-policy.js';
import { ClassMigration } from '../state/class-migration.js';
import type { ClassTransformer } from '../state/update-spec.js';
import type { CompiledModule } from '../runner/compile.js';
import type { ModuleRecord } from '../runner/module-graph.js';
import { hasBinding, readBinding, releaseBinding, writeBinding } from '../runner/live-bindings.js';
import { pointNamespace } from '../runner/namespace.js';
import { clearCell, framesInFlight, readCell, setCell } from '../runner/slot-table.js';
import { preparePatch, type PreparedPatch } from './patch.js';

/**
 * A structural change made on the live module (module code runs once): the
 * new and changed bodies go into slots, the new top-level bindings are
 * initialized on the instance's `__baton_ext`, new exports are added to its
 * export object. No statement of the module runs again, and new or changed
 * top-level statements do not run.
 */
export interface PreparedLive {
  readonly record: ModuleRecord;
  readonly compiled: CompiledModule;
  readonly plan: LivePlan;
  readonly patch: PreparedPatch;
  /** The added bindings' declarations, compiled in the module's scope. */
  readonly initialize: (() => void) | undefined;
  readonly addExports: (() => void) | undefined;
  /** Bindings that take their new initializer's value at commit, with what computes it. */
  readonly recompute: ReadonlyArray<{ readonly name: string; readonly value: () => unknown; readonly why: string }>;
  /** Members to define on (or delete from) live classes and their prototypes. */
  readonly members: readonly MemberEdit[];
  /** New or changed top-level statements the update file's `run` section asks for, compiled in the module's scope: run once, after the commit. */
  readonly runAfter: ReadonlyArray<{ readonly text: string; readonly run: () => void }>;
  /** Classes declared again: their old instances move to the new class at commit (eager, lazy, or methods only). */
  readonly migrations: readonly ClassMigration[];
  /** New imports, linked at commit (before the new declarations that read them run). */
  readonly links: ReadonlyArray<readonly [string, object]>;
  /**
   * Whether its commit runs code of the program's (an initializer that calls,
   * a static block, an eager transformer): only then does the commit need the
   * watchdog, whose thread start and join measured 13 ms of a 20 ms commit at load 5.
   */
  readonly runsCode: boolean;
}

/** What the update file asks of one live module. */
export interface LiveRequests {
  readonly run?: true | readonly string[] | undefined;
  readonly reinit?: readonly string[] | undefined;
  /** The update file's class transformers for this module, by class name. */
  readonly classes?: { readonly [name: string]: ClassTransformer } | undefined;
  /** What each new import leads to: the live module's new code `require`s it. */
  readonly links?: ReadonlyArray<readonly [string, object]>;
}

/** One property of a live class or its prototype: defined from the new version's members, or deleted. */
interface MemberEdit {
  readonly target: () => object;
  readonly key: PropertyKey;
  /** Undefined: the member was removed. */
  readonly descriptor: PropertyDescriptor | undefined;
}

/**
 * The class changes of a plan as property edits. The new members are
 * compiled in the module's scope as a class of their own whose stubs name
 * the live class; their descriptors are moved onto the live class at commit,
 * so identity, `instanceof` and every existing instance follow.
 */
function memberEdits(record: ModuleRecord, compiled: CompiledModule, plan: LivePlan): MemberEdit[] {
  const instance = record.current;
  const edits: MemberEdit[] = [];
  for (const change of plan.classes) {
    const { source, properties, deleted } = classMembersSource(compiled.skeleton, change);
    const holder = instance.evaluate(source) as { prototype: object };
    const live = () => {
      const cls: unknown = readBinding(instance, change.binding);
      if (typeof cls !== 'function') throw new Error(`baton: ${change.binding} no longer holds a class`);
      return cls as unknown as { prototype: object };
    };
    const place = (property: string) => {
      const isStatic = property.startsWith('static ');
      const name = isStatic ? property.slice('static '.length) : property;
      // A computed key is evaluated in the module's scope (`[Symbol.iterator]`).
      const key = name.startsWith('[') ? (instance.evaluate(`(${name.slice(1, -1)})`) as PropertyKey) : name;
      return { key, target: isStatic ? live : () => live().prototype, from: isStatic ? holder : holder.prototype };
    };
    for (const property of properties) {
      const { key, target, from } = place(property);
      edits.push({ target, key, descriptor: Object.getOwnPropertyDescriptor(from, key) });
    }
    for (const property of deleted) {
      const { key, target } = place(property);
      edits.push({ target, key, descriptor: undefined });
    }
  }
  return edits;
}

export function prepareLive(record: ModuleRecord, compiled: CompiledModule, plan: LivePlan, requests: LiveRequests = {}): PreparedLive {
  const instance = record.current;
  // A moved module's new path leads to the same live module: invisible to the old code, which never asks for it.
  for (const [next, old] of plan.renamedImports) {
    const dep = instance.deps.get(old);
    if (dep && !instance.deps.has(next)) instance.deps.set(next, dep);
  }
  const fresh = newStatements(instance.compiled.skeleton, compiled.skeleton);
  const wanted = requests.run === true ? fresh : (requests.run ?? []).map((pick) => {
    const matches = fresh.filter((text) => text.includes(pick));
    if (matches.length === 1) return matches[0]!;
    throw new BatonError(
      'E_UPDATE_FILE',
      `run: '${record.id}': ${JSON.stringify(pick)} matches ${matches.length === 0 ? 'no' : matches.length} new or changed top-level statement${matches.length === 0 ? '' : 's'}`,
      'name a piece of text found in exactly one of the statements `baton diff` lists as "not run" (or `true` for all of them)',
    );
  });
  for (const name of requests.reinit ?? []) {
    if (initializerOf(compiled.skeleton, name) === undefined || !hasBinding(instance, name)) {
      throw new BatonError('E_UPDATE_FILE', `reinit: '${record.id}' has no top-level binding ${name} with an initializer in both versions`, 'name a `const`, `let` or `var` the module declares on its own line, as in the new version');
    }
  }
  const patch = preparePatch(record.id, instance, compiled);
  // New bindings and those declared again, in source order (a class may extend one declared before it).
  const statements = addedStatements(compiled.skeleton, new Set([...plan.added, ...plan.redeclared]));
  const initialize = statements.length > 0 ? (instance.evaluate(`(function () { ${statements.map((st) => st.text).join('\n')} })`) as () => void) : undefined;
  // A name an earlier version exported keeps its getter (export getters cannot be redefined): it reads the module binding, kept in step.
  const exporting = plan.exportsAdded.filter((n) => !Object.prototype.hasOwnProperty.call(instance.exports, n));
  const exp = exporting.length > 0 ? exportEntries(compiled.skeleton, new Set(exporting)) : undefined;
  const addExports = exp && exp.entries.length > 0 ? (instance.evaluate(`(function () { __export(${exp.target}, { ${exp.entries.join(', ')} }); })`) as () => void) : undefined;
  // A kept binding that holds code (a function, a table of handlers) takes the new version's: old code must not stay reachable.
  const code = plan.kept.filter((name) => {
    const why = reasonNotToCarry(readBinding(instance, name));
    return why === 'code' || why === 'a table of functions';
  });
  const reinit = (requests.reinit ?? []).filter((n) => !plan.recomputed.includes(n) && !code.includes(n));
  const recompute = [...plan.recomputed, ...code, ...reinit].flatMap((name) => {
    const init = initializerOf(compiled.skeleton, name);
    if (init === undefined || !hasBinding(instance, name)) return [];
    const why = plan.recomputed.includes(name) ? 'a constant' : code.includes(name) ? 'code' : 'reinit';
    return [{ name, value: instance.evaluate(`(function () { return (${init}); })`) as () => unknown, why }];
  });
  const runAfter = wanted.map((text) => ({ text, run: instance.evaluate(`(function () { ${text} })`) as () => void }));
  const migrations = plan.newClasses.flatMap((c) => {
    const old = readBinding(instance, c.binding);
    if (typeof old !== 'function') return [];
    const transformer = requests.classes?.[c.name];
    // The new class exists from the commit on (its declaration runs then); until then it stands for the old one.
    return [new ClassMigration(record.id, c.name, old as Ctor, old as Ctor, transformer, transformer ? (transformer.mode ?? 'eager') : 'methods')];
  });
  for (const name of Object.keys(requests.classes ?? {})) {
    if (!migrations.some((m) => m.name === name)) {
      throw new BatonError('E_UPDATE_FILE', `classes: '${record.id}' has no class ${name} in both versions`, 'name a class the module declares in the running version and in the new one, as written in the source');
    }
  }
  // What the commit evaluates: declarations, recomputed initializers, eager transformers (runAfter runs after it).
  const runsCode =
    statements.some((st) => st.evaluates) ||
    recompute.some((r) => declarationOf(compiled.skeleton, r.name)?.evaluates !== false) ||
    migrations.some((m) => m.mode === 'eager');
  return { record, compiled, plan, patch, initialize, addExports, recompute, members: memberEdits(record, compiled, plan), runAfter, migrations, links: requests.links ?? [], runsCode };
}

type Ctor = abstract new (...args: never[]) => object;

/**
 * Static data of a class declared again (`static count = 0`, a registry)
 * is state: the new class takes the old one's value where it declares the
 * same static field, unless that value is code.
 */
function carryStatics(from: object, to: object): void {
  for (const key of Reflect.ownKeys(from)) {
    if (key === 'prototype' || key === 'length' || key === 'name') continue;
    const old = Object.getOwnPropertyDescriptor(from, key);
    const next = Object.getOwnPropertyDescriptor(to, key);
    if (!old || !next || !('value' in old) || !('value' in next) || !next.writable) continue;
    if (reasonNotToCarry(old.value) === 'code') continue;
    (to as Record<PropertyKey, unknown>)[key] = old.value;
  }
}

/** A commit step that can fail, with its undo. */
export interface LiveCommit {
  readonly inFlight: Map<string, number>;
  /** A binding's value before this commit changed it (undefined: unchanged by it, or new). */
  before(name: string): { readonly value: unknown } | undefined;
  readonly migrations: readonly ClassMigration[];
  /**
   * Installs the bodies, then initializes the new bindings (their initializers
   * may call the new functions). `walk` gives the program's state for eager
   * class transformers, run here on the values of the moment.
   */
  apply(walk: () => ReachableWalk): void;
  /**
   * Puts back what `apply` changed, as far as it got: it may have thrown, or
   * been interrupted by the watchdog, which ends it without running any
   * `catch` or `finally` of its own. So every change is recorded before it
   * is made, and the caller, outside the interrupted code, undoes.
   */
  undo(): void;
  /** The stores that cannot fail: exports, namespace, the instance's compiled form. */
  finish(): void;
}

/**
 * A live module's commit, not yet applied: the caller keeps it before
 * calling `apply`, so that it can undo whatever `apply` did however it ended.
 */
export function commitLive(live: PreparedLive): LiveCommit {
  const instance = live.record.current;
  const previous = new Map<string, unknown>();
  const inFlight = new Map<string, number>();
  const overwritten = new Map<string, unknown>();
  const replacedMembers: Array<{ target: object; key: PropertyKey; old: PropertyDescriptor | undefined }> = [];
  // Bindings declared again, and added ones an earlier version declared in the module's own scope
  // (removed since, re-added now: its export getter still reads that binding): what they held, to put back on undo.
  const again = [...live.plan.redeclared, ...live.plan.added.filter((name) => instance.bindings[name] !== undefined)];
  const redeclared = again.map((name) => ({ name, inExt: Object.prototype.hasOwnProperty.call(instance.ext, name), old: readBinding(instance, name) }));
  const linked = live.links.filter(([specifier]) => !instance.deps.has(specifier));
  const undo = () => {
    for (const { target, key, old } of replacedMembers.reverse()) {
      if (old) Object.defineProperty(target, key, old);
      else delete (target as Record<PropertyKey, unknown>)[key];
    }
    replacedMembers.length = 0;
    for (const [name, old] of overwritten) writeBinding(instance, name, old);
    for (const [cell, old] of previous) {
      if (old === undefined) clearCell(cell);
      else setCell(cell, old);
    }
    for (const name of live.plan.added) delete instance.ext[name];
    for (const r of redeclared) {
      if (!r.inExt) delete instance.ext[r.name];
      writeBinding(instance, r.name, r.old);
    }
    for (const [specifier] of linked) instance.deps.delete(specifier);
  };
  const apply = (walk: () => ReachableWalk) => {
    for (const swap of live.patch.swaps) {
      const old = readCell(swap.cell);
      previous.set(swap.cell, old);
      const frames = framesInFlight(old);
      if (frames > 0) inFlight.set(swap.path, frames);
      setCell(swap.cell, swap.body);
    }
    // Eager transformers on every old instance as it is now, before the class is declared again.
    collectEager(live.migrations, walk);
    for (const [specifier, ns] of linked) instance.deps.set(specifier, ns);
    for (const edit of live.members) {
      const target = edit.target();
      replacedMembers.push({ target, key: edit.key, old: Object.getOwnPropertyDescriptor(target, edit.key) });
      if (edit.descriptor) Object.defineProperty(target, edit.key, edit.descriptor);
      else delete (target as Record<PropertyKey, unknown>)[edit.key];
    }
    live.initialize?.();
    // A binding declared again holds the new object in its module binding too: old export getters read it.
    for (const r of redeclared) instance.bindings[r.name]?.[1](instance.ext[r.name]);
    for (const m of live.migrations) {
      const next = readBinding(instance, live.plan.newClasses.find((c) => c.name === m.name)!.binding);
      if (typeof next !== 'function') throw new Error(`baton: the new version of class ${m.name} in ${live.record.id} is not a class`);
      m.newClass = next as Ctor;
      carryStatics(m.oldClass, next);
    }
    for (const r of live.recompute) {
      const next = r.value();
      overwritten.set(r.name, readBinding(instance, r.name));
      writeBinding(instance, r.name, next);
    }
  };
  const added = new Set(live.plan.added);
  return {
    inFlight,
    apply,
    undo,
    before: (name) => {
      if (added.has(name)) return { value: undefined };
      if (overwritten.has(name)) return { value: overwritten.get(name) };
      const r = redeclared.find((x) => x.name === name);
      return r ? { value: r.old } : undefined;
    },
    migrations: live.migrations,
    finish: () => {
      // Old instances move to the new classes (cannot fail: eager fields were computed above).
      for (const m of live.migrations) m.commit();
      live.addExports?.();
      pointNamespace(live.record.namespace, instance.exports);
      instance.compiled = live.compiled;
      // Bindings the new version no longer declares let go of their values (a removed cache is freed),
      // unless a frame suspended in an old body of this module may still read them.
      if (inFlight.size === 0) for (const name of live.plan.dropped) releaseBinding(instance, name);
    },
  };
}
