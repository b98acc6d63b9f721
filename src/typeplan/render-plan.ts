import { describeLive } from '../compare/live-plan.js';
import { relative } from 'node:path';
import type { BindingDiff, ClassDiff } from './compare-shapes.js';
import { describeField, type ModulePlan, type UpdatePlan } from './plan-update.js';
import type { Risk } from './risks.js';

/** The plan for people: what each module does, what state changes, what is missing, what is risky. */
export function renderPlan(plan: UpdatePlan): string {
  const out: string[] = [`baton diff ${display(plan.oldRoot)} -> ${display(plan.newRoot)}`, ''];
  const unchanged = plan.modules.filter((m) => m.kind === 'unchanged' && !hasStateChange(m));
  for (const m of plan.modules) {
    if (unchanged.includes(m)) continue;
    out.push(`${m.kind.padEnd(9)} ${m.id}${m.movedFrom ? ` (moved from ${m.movedFrom})` : ''}${moduleDetail(m)}`);
    for (const c of m.classes) if (c.kind !== 'same') out.push(`            ${classLine(c)}`);
    for (const b of m.bindings) if (b.kind !== 'carried' || m.kind === 'blocked') out.push(`            ${bindingLine(b)}`);
  }
  if (unchanged.length) out.push(`unchanged ${unchanged.length} module${unchanged.length === 1 ? '' : 's'}`);
  out.push('');
  const missing = plan.transformers.filter((t) => !t.provided);
  if (plan.transformers.length === 0) out.push('Transformers: none needed; all state is carried by name.');
  else {
    out.push(`Transformers: ${plan.transformers.length} needed, ${missing.length} missing`);
    for (const t of plan.transformers) {
      out.push(`  ${t.provided ? 'ok     ' : 'MISSING'} ${t.section === 'classes' ? 'class' : 'binding'} ${t.module}:${t.line} ${t.name}: ${t.reason}`);
    }
    if (missing.length) out.push('  Next: `baton diff --stubs` writes typed stubs into baton.update.ts; fill them in, then `baton check`.');
  }
  for (const u of plan.unneeded) out.push(`  UNNEEDED ${u.section} ${u.module} ${u.name} (baton.update.ts:${u.line}): it did not change; remove the transformer`);
  if (plan.relocated.length) {
    out.push('', "Computed again for the new version's directory (they read where their module is):");
    for (const r of plan.relocated) out.push(`  ${r.module}: ${r.names.join(', ')}`);
  }
  if (plan.dependencies.length) {
    out.push('', 'Dependencies that resolve to another version (`baton update` refuses this unless --allow-dependency-change: objects the old package created keep its code):');
    for (const d of plan.dependencies) out.push(`  ${d.name} ${d.from} -> ${d.to}`);
  }
  if (plan.risks.length) {
    out.push('', 'Risks:');
    for (const r of plan.risks) out.push(`  ${riskLine(r)}`);
  }
  const t = plan.timings;
  out.push('', `Planned in ${t.totalMs} ms (compiled-code comparison ${t.modulesMs} ms and programs ${t.programsMs} ms concurrently, then types ${t.typesMs} ms).`);
  return out.join('\n') + '\n';
}

function hasStateChange(m: ModulePlan): boolean {
  return m.bindings.some((b) => b.kind !== 'carried') || m.classes.some((c) => c.kind !== 'same');
}

function moduleDetail(m: ModulePlan): string {
  if (m.kind === 'patch') return `  (functions: ${m.functions.map((f) => `${f.name}${f.change === 'changed' ? '' : ` ${f.change}`}`).join(', ')})`;
  if (m.kind === 'blocked') return `  (cannot change on the live module, the update will be refused: ${m.reasons.join('; ')})`;
  if (m.kind === 'live') return `  (on the live module: ${describeLive(m.plan).join('; ') || 'function bodies'})`;
  if (m.kind === 'unchanged') return '  (code unchanged, but the types of its state changed)';
  return '';
}

function classLine(c: ClassDiff): string {
  if (c.kind === 'new' || c.kind === 'dropped') return `class ${c.name}: ${c.kind}`;
  const parts = [...c.methods.map((m) => `method ${m.name} ${m.change}`), ...c.fields.map(describeField)];
  return `class ${c.name}: ${parts.join('; ')}${c.needsTransformer ? '  [needs a transformer]' : ''}`;
}

function bindingLine(b: BindingDiff): string {
  switch (b.kind) {
    case 'carried':
      return `${b.name}: carried by name (${b.type})`;
    case 'changed':
      return `${b.name}: type changed ${b.oldType} -> ${b.newType}${b.oldType === b.newType ? ' (same text: a type it is made of changed)' : ''}${bindingNote(b)}`;
    case 'renewed':
      return `${b.name}: the new version's value (${b.reason})`;
    case 'new':
      return `${b.name}: new (${b.type})`;
    case 'dropped':
      return `${b.name}: dropped (${b.type})`;
  }
}

function bindingNote(b: Extract<BindingDiff, { kind: 'changed' }>): string {
  if (b.notState !== undefined) return ` (${b.notState}: the new version's value is used)`;
  if (b.widening) return ' (widened: carried as is)';
  if (b.viaClassesOnly) return ' (only inside class instances: carried, the class transformer updates them)';
  return '  [needs a transformer]';
}

export function riskLine(r: Risk): string {
  if (r.kind === 'no-dispose') {
    return `${r.module}:${r.line} ${r.call} at top level and no import.meta.hot.dispose: the removed module's timer or listener keeps running after the update`;
  }
  if (r.kind === 'new-capture') {
    return `${r.module} ${r.function}: the new body reads ${r.variables.join(', ')}, which closures created before the update do not hold: they keep the old body, new closures get the new one`;
  }
  return `${r.module} ${r.function} is async or a generator: a call suspended in it when the patch applies finishes the old body; new calls run the new one`;
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
