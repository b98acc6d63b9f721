import type { CompiledModule } from '../program/runner/compile.js';
import type { SlotBody } from '../program/runner/slots.js';
import { isBlocked, planLive, type LiveOptions, type LivePlan } from './live-plan.js';

/** What one module's change needs, as the planner sees it. */
export type ModuleChange = (
  | { readonly kind: 'unchanged'; readonly id: string }
  | { readonly kind: 'patch'; readonly id: string; readonly functions: readonly ChangedFunction[] }
  | {
      /**
       * Structural in a way the live module cannot take: the update is
       * refused (E_NOT_LIVE), never made by evaluating the module again.
       */
      readonly kind: 'blocked';
      readonly id: string;
      readonly reasons: readonly string[];
      readonly functions: readonly ChangedFunction[];
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
 * equal), a patch replaces slots; other changes are made on the live module,
 * or are blocked. `options` carries what the update file transforms: one rule
 * for `baton diff` and `baton update` (plan-directories.ts, prepare.ts).
 */
export function compareModule(id: string, before: CompiledModule, after: CompiledModule, options: LiveOptions = {}): ModuleChange {
  if (before.comparable === after.comparable) return { kind: 'unchanged', id };
  const functions = diffFunctions(before.slots, after.slots);
  if (!plansLive(before, after, options)) return { kind: 'patch', id, functions };
  const plan = planLive(before, after, options);
  if (isBlocked(plan)) return { kind: 'blocked', id, reasons: [plan.blocked], functions };
  return { kind: 'live', id, functions, plan };
}

/**
 * Whether comparing the two versions needs the live plan (which reads both
 * skeletons' outlines) rather than being a patch: a program has those
 * outlines made off its thread first (program/update/outlines.ts).
 */
export function plansLive(before: CompiledModule, after: CompiledModule, options: LiveOptions = {}): boolean {
  if (before.comparable === after.comparable) return false;
  const transforms = options.transformsClass ?? (() => false);
  const transformedClass = after.bindings.some((b) => transforms(b.name)) || after.external.some((name) => transforms(name));
  return before.skeleton !== after.skeleton || Boolean(after.unslottable) || Boolean(before.unslottable) || transformedClass;
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
      // A name the old stubs pass in another form (a box, an accessor) is as new to them as a name they do not pass.
      const had = new Set(o.forms);
      out.push({ name: f.path, change: 'changed', suspendable: f.suspendable || o.suspendable, newCaptures: f.captures.filter((_, i) => !had.has(f.forms[i]!)) });
    } else if (o.source !== f.source) {
      out.push({ name: f.path, change: 'changed', suspendable: f.suspendable || o.suspendable });
    }
  }
  for (const o of old.values()) out.push({ name: o.path, change: 'removed', suspendable: o.suspendable });
  return out;
}
