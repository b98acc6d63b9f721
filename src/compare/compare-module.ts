import type { CompiledModule } from '../program/runner/compile.js';
import type { SlotBody } from '../program/runner/slots.js';
import { planLive, type LivePlan } from './live-plan.js';

/** What one module's change needs, as the planner sees it. */
export type ModuleChange = (
  | { readonly kind: 'unchanged'; readonly id: string }
  | { readonly kind: 'patch'; readonly id: string; readonly functions: readonly ChangedFunction[] }
  | {
      readonly kind: 'reload';
      readonly id: string;
      readonly reasons: readonly string[];
      readonly functions: readonly ChangedFunction[];
      /** Constants in both versions whose initializer changed: they take the new value, not the carried one. */
      readonly initChanged: readonly string[];
    }
  | {
      /** Structural, made on the live module: new bindings initialized in it, bodies swapped, nothing evaluated again. */
      readonly kind: 'live';
      readonly id: string;
      readonly functions: readonly ChangedFunction[];
      readonly plan: LivePlan;
    }
  | { readonly kind: 'added'; readonly id: string }
  | { readonly kind: 'removed'; readonly id: string })
  & {
    /**
     * The module's id in the old version when it moved (`shapes.ts` for
     * `shapes/index.ts`, found through its importers: compare/module-moves.ts).
     * The change compares it with its old self; its live instance goes on.
     */
    readonly movedFrom?: string;
  };

export interface ChangedFunction {
  readonly name: string;
  readonly change: 'changed' | 'added' | 'removed';
  /** Async functions and generators: frames suspended in the old body finish it. */
  readonly suspendable: boolean;
  /**
   * Variables the new body captures that closures created before the update
   * do not pass: those closures keep the old body, new closures get the new one.
   */
  readonly newCaptures?: readonly string[];
  /** Set by the update: frames suspended in the old body when the patch applied (they finish it). */
  readonly oldFrames?: number;
}

/**
 * Compares two compiled versions of one module. Where every difference lies
 * inside function bodies (the skeletons, with stubs and without bodies, are
 * equal), a patch replaces slots; anything else reloads.
 */
export function compareModule(id: string, before: CompiledModule, after: CompiledModule, renamed: ReadonlyMap<string, string> = new Map()): ModuleChange {
  if (before.comparable === after.comparable) return { kind: 'unchanged', id };
  const functions = diffFunctions(before.slots, after.slots);
  if (before.skeleton === after.skeleton && !after.unslottable && !before.unslottable) {
    return { kind: 'patch', id, functions };
  }
  const plan = planLive(before, after, renamed);
  if (plan) return { kind: 'live', id, functions, plan };
  const oldInits = new Map(before.bindings.map((b) => [b.name, b.init]));
  const initChanged = after.bindings.filter((b) => b.kind === 'const' && oldInits.has(b.name) && oldInits.get(b.name) !== b.init).map((b) => b.name);
  return { kind: 'reload', id, reasons: reloadReasons(before, after), functions, initChanged };
}

/**
 * Which modules may change live: every module except those whose state the
 * update's transformers change (`transformedModules`), which take a new
 * instance since their transformers were written for one. A `*` (a section
 * baton could not read) means every module. One rule for `baton diff` and
 * `baton update`, forward and back.
 */
export function liveAllowed(transformed: ReadonlySet<string>): (id: string) => boolean {
  return (id) => !transformed.has(id) && !transformed.has('*');
}

/** A live change taken as a reload instead (see liveAllowed). */
export function asReload<C extends ModuleChange>(change: C): C | Extract<ModuleChange, { kind: 'reload' }> {
  if (change.kind !== 'live') return change;
  return { kind: 'reload', id: change.id, reasons: ['structural; reloads because this update transforms its state'], functions: change.functions, initChanged: [] };
}

/** Slots whose body is new or different; a path whose cell changed captures new variables. */
export function diffFunctions(before: readonly SlotBody[], after: readonly SlotBody[]): ChangedFunction[] {
  const old = new Map(before.map((f) => [f.path, f]));
  const out: ChangedFunction[] = [];
  for (const f of after) {
    const o = old.get(f.path);
    old.delete(f.path);
    if (!o) {
      out.push({ name: f.path, change: 'added', suspendable: f.suspendable });
    } else if (o.cell !== f.cell) {
      const had = new Set(o.captures);
      out.push({ name: f.path, change: 'changed', suspendable: f.suspendable || o.suspendable, newCaptures: f.captures.filter((c) => !had.has(c)) });
    } else if (o.source !== f.source) {
      out.push({ name: f.path, change: 'changed', suspendable: f.suspendable || o.suspendable });
    }
  }
  for (const o of old.values()) out.push({ name: o.path, change: 'removed', suspendable: o.suspendable });
  return out;
}

/** Names what outside function bodies changed, in the user's terms. */
export function reloadReasons(before: CompiledModule, after: CompiledModule): string[] {
  const reasons: string[] = [];
  if (after.unslottable) reasons.push(`uses ${after.unslottable.construct} (line ${after.unslottable.line}), which the slot form cannot express`);
  const oldImports = new Set(before.imports);
  const newImports = new Set(after.imports);
  for (const s of newImports) if (!oldImports.has(s)) reasons.push(`imports '${s}'`);
  for (const s of oldImports) if (!newImports.has(s)) reasons.push(`no longer imports '${s}'`);
  const oldBindings = new Map(before.bindings.map((b) => [b.name, b]));
  const newBindings = new Map(after.bindings.map((b) => [b.name, b]));
  for (const [name, b] of newBindings) {
    const o = oldBindings.get(name);
    if (!o) reasons.push(`new top-level ${b.kind} ${name}`);
    else if (o.kind !== b.kind) reasons.push(`${name} changed from ${o.kind} to ${b.kind}`);
    else if (o.init !== b.init && b.kind !== 'function') reasons.push(`${b.kind === 'class' ? 'class' : 'initializer of'} ${name} changed`);
  }
  for (const [name, b] of oldBindings) if (!newBindings.has(name)) reasons.push(`top-level ${b.kind} ${name} removed`);
  if (reasons.length === 0) reasons.push('top-level statements changed');
  return reasons;
}
