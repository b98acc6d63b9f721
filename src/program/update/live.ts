import type { LivePlan } from '../../compare/live-plan.js';
import { addedStatements, classMembersSource, exportEntries, initializerOf, newStatements } from '../../compare/live-plan.js';
import { BatonError } from '../../protocol/errors.js';
import { reasonNotToCarry } from '../state/carry-policy.js';
import type { CompiledModule } from '../runner/compile.js';
import type { ModuleRecord } from '../runner/module-graph.js';
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
}

/** What the update file asks of one live module. */
export interface LiveRequests {
  readonly run?: true | readonly string[] | undefined;
  readonly reinit?: readonly string[] | undefined;
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
      const cls: unknown = instance.bindings[change.binding]?.[0]();
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
    if (initializerOf(compiled.skeleton, name) === undefined || !instance.bindings[name]) {
      throw new BatonError('E_UPDATE_FILE', `reinit: '${record.id}' has no top-level binding ${name} with an initializer in both versions`, 'name a `const`, `let` or `var` the module declares on its own line, as in the new version');
    }
  }
  const patch = preparePatch(record.id, instance, compiled);
  const statements = addedStatements(compiled.skeleton, new Set(plan.added));
  const initialize = statements.length > 0 ? (instance.evaluate(`(function () { ${statements.join('\n')} })`) as () => void) : undefined;
  const exp = plan.exportsAdded.length > 0 ? exportEntries(compiled.skeleton, new Set(plan.exportsAdded)) : undefined;
  const addExports = exp && exp.entries.length > 0 ? (instance.evaluate(`(function () { __export(${exp.target}, { ${exp.entries.join(', ')} }); })`) as () => void) : undefined;
  // A kept binding that holds code (a function, a table of handlers) takes the new version's: old code must not stay reachable.
  const code = plan.kept.filter((name) => {
    const why = reasonNotToCarry(instance.bindings[name]?.[0]());
    return why === 'code' || why === 'a table of functions';
  });
  const reinit = (requests.reinit ?? []).filter((n) => !plan.recomputed.includes(n) && !code.includes(n));
  const recompute = [...plan.recomputed, ...code, ...reinit].flatMap((name) => {
    const init = initializerOf(compiled.skeleton, name);
    if (init === undefined || !instance.bindings[name]) return [];
    const why = plan.recomputed.includes(name) ? 'a constant' : code.includes(name) ? 'code' : 'reinit';
    return [{ name, value: instance.evaluate(`(function () { return (${init}); })`) as () => unknown, why }];
  });
  const runAfter = wanted.map((text) => ({ text, run: instance.evaluate(`(function () { ${text} })`) as () => void }));
  return { record, compiled, plan, patch, initialize, addExports, recompute, members: memberEdits(record, compiled, plan), runAfter };
}

/** A commit step that can fail, with its undo. */
export interface LiveCommit {
  readonly inFlight: Map<string, number>;
  undo(): void;
  /** The stores that cannot fail: exports, namespace, the instance's compiled form. */
  finish(): void;
}

/**
 * Installs the bodies, then initializes the new bindings (their initializers
 * may call the new functions). An initializer that throws undoes both and
 * rethrows: the module is as it was.
 */
export function commitLive(live: PreparedLive): LiveCommit {
  const instance = live.record.current;
  const previous = new Map<string, unknown>();
  const inFlight = new Map<string, number>();
  for (const swap of live.patch.swaps) {
    const old = readCell(swap.cell);
    previous.set(swap.cell, old);
    const frames = framesInFlight(old);
    if (frames > 0) inFlight.set(swap.path, frames);
    setCell(swap.cell, swap.body);
  }
  const overwritten = new Map<string, unknown>();
  const replacedMembers: Array<{ target: object; key: PropertyKey; old: PropertyDescriptor | undefined }> = [];
  const undo = () => {
    for (const { target, key, old } of replacedMembers.reverse()) {
      if (old) Object.defineProperty(target, key, old);
      else delete (target as Record<PropertyKey, unknown>)[key];
    }
    for (const [name, old] of overwritten) instance.bindings[name]![1](old);
    for (const [cell, old] of previous) {
      if (old === undefined) clearCell(cell);
      else setCell(cell, old);
    }
    for (const name of live.plan.added) delete instance.ext[name];
  };
  try {
    for (const edit of live.members) {
      const target = edit.target();
      replacedMembers.push({ target, key: edit.key, old: Object.getOwnPropertyDescriptor(target, edit.key) });
      if (edit.descriptor) Object.defineProperty(target, edit.key, edit.descriptor);
      else delete (target as Record<PropertyKey, unknown>)[edit.key];
    }
    live.initialize?.();
    for (const r of live.recompute) {
      const next = r.value();
      overwritten.set(r.name, instance.bindings[r.name]![0]());
      instance.bindings[r.name]![1](next);
    }
  } catch (error) {
    undo();
    throw error;
  }
  return {
    inFlight,
    undo,
    finish: () => {
      live.addExports?.();
      pointNamespace(live.record.namespace, instance.exports);
      instance.compiled = live.compiled;
    },
  };
}
