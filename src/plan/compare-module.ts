import type { CompiledModule } from '../runner/compile.js';
import { functionsOf, parseCompiled, skeletonOf, type FunctionInfo } from './functions.js';

/** What one module's change needs, as the planner sees it. */
export type ModuleChange =
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
  | { readonly kind: 'added'; readonly id: string }
  | { readonly kind: 'removed'; readonly id: string };

export interface ChangedFunction {
  readonly name: string;
  readonly change: 'changed' | 'added' | 'removed';
  /** Async functions and generators can be suspended, which blocks a patch. */
  readonly suspendable: boolean;
}

/** What comparing needs of one compiled module: parsed once, kept with it. */
interface Analysis {
  readonly skeleton: string;
  readonly functions: FunctionInfo[];
}

const analyses = new WeakMap<CompiledModule, Analysis>();

/**
 * Parses a compiled module for comparison, once: the running version's
 * analysis is reused by every later update. Callers that must not block the
 * event loop for long call this for each side on its own turn first.
 */
export function analyze(compiled: CompiledModule): Analysis {
  let found = analyses.get(compiled);
  if (!found) {
    const ast = parseCompiled(compiled.comparable);
    found = { skeleton: skeletonOf(compiled.comparable, ast), functions: functionsOf(compiled.comparable, ast) };
    analyses.set(compiled, found);
  }
  return found;
}

/**
 * Compares two compiled versions of one module. Where every difference lies
 * inside function bodies, LiveEdit can patch it; anything else reloads.
 */
export function compareModule(id: string, before: CompiledModule, after: CompiledModule): ModuleChange {
  if (before.comparable === after.comparable) return { kind: 'unchanged', id };
  const old = analyze(before);
  const next = analyze(after);
  const functions = diffFunctions(old.functions, next.functions);
  if (old.skeleton === next.skeleton) {
    return { kind: 'patch', id, functions };
  }
  const oldInits = new Map(before.bindings.map((b) => [b.name, b.init]));
  const initChanged = after.bindings.filter((b) => b.kind === 'const' && oldInits.has(b.name) && oldInits.get(b.name) !== b.init).map((b) => b.name);
  return { kind: 'reload', id, reasons: reloadReasons(before, after), functions, initChanged };
}

function diffFunctions(before: FunctionInfo[], after: FunctionInfo[]): ChangedFunction[] {
  const old = new Map(before.map((f) => [f.name, f]));
  const out: ChangedFunction[] = [];
  for (const f of after) {
    const o = old.get(f.name);
    if (!o) out.push({ name: f.name, change: 'added', suspendable: f.async || f.generator });
    else if (o.body !== f.body) out.push({ name: f.name, change: 'changed', suspendable: f.async || f.generator || o.async || o.generator });
    old.delete(f.name);
  }
  for (const o of old.values()) out.push({ name: o.name, change: 'removed', suspendable: o.async || o.generator });
  return out;
}

/** Names what outside function bodies changed, in the user's terms. */
export function reloadReasons(before: CompiledModule, after: CompiledModule): string[] {
  const reasons: string[] = [];
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
