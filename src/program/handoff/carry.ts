import type { ModuleInstance } from '../runner/instance.js';
import { reasonNotToCarry } from '../state/carry-policy.js';
import { OldStateView } from '../state/old-state-view.js';
import { synchronousResult } from '../state/synchronous.js';
import type { BindingReport } from '../../protocol/outcome.js';

/** The parts of a module instance that carrying state reads: the old side is built from transferred values. */
export type CarrySide = Pick<ModuleInstance, 'id' | 'bindings'> & { readonly compiled: Pick<ModuleInstance['compiled'], 'bindings'> };

/**
 * The new process's instance takes the old one's top-level bindings: those
 * present in both versions keep their values (the carry policy decides what
 * is state), unless a binding transformer says otherwise; a constant whose
 * initializer changed takes its new value. In process no module takes a new
 * instance any more (update/live.ts changes the live one); a hand-off is the
 * one place where a whole module's state moves into another instance.
 */
export function carryBindings(old: CarrySide, next: CarrySide, transformers: Record<string, (old: unknown) => unknown>): BindingReport[] {
  const reports: BindingReport[] = [];
  const oldKinds = new Map(old.compiled.bindings.map((b) => [b.name, b]));
  for (const binding of next.compiled.bindings) {
    const previous = oldKinds.get(binding.name);
    const oldAccessor = old.bindings[binding.name];
    const newAccessor = next.bindings[binding.name];
    if (!previous || !oldAccessor || !newAccessor) {
      if (binding.kind !== 'function' && binding.kind !== 'class') reports.push({ name: binding.name, how: 'fresh' });
      continue;
    }
    if (binding.kind === 'function' || binding.kind === 'class' || previous.kind === 'function' || previous.kind === 'class') continue;
    const transformer = transformers[binding.name];
    if (transformer) {
      const what = `the transformer of ${binding.name} in ${next.id}`;
      newAccessor[1](OldStateView.call(what, (view) => synchronousResult(what, transformer(view)), oldAccessor[0]()));
      reports.push({ name: binding.name, how: 'transformed' });
      continue;
    }
    const value = oldAccessor[0]();
    const notState = reasonNotToCarry(value);
    if (notState !== undefined) {
      reports.push({ name: binding.name, how: 'fresh', note: `holds ${notState}: the new version's own value` });
      continue;
    }
    if (binding.kind === 'const' && binding.init !== previous.init) {
      reports.push({ name: binding.name, how: 'fresh', note: 'its initializer changed' });
      continue;
    }
    newAccessor[1](value);
    reports.push({ name: binding.name, how: 'carried' });
  }
  const names = new Set(next.compiled.bindings.map((b) => b.name));
  for (const b of old.compiled.bindings) {
    if (!names.has(b.name) && b.kind !== 'function' && b.kind !== 'class') reports.push({ name: b.name, how: 'dropped' });
  }
  return reports;
}
