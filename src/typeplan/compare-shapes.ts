import type { ChangedFunction } from '../compare/compare-module.js';
import { fingerprint } from './fingerprint.js';
import { accepts } from './accepts.js';
import { isWidening } from './type-facts.js';
import type { ClassShape, FieldShape, ModuleShape } from './module-shape.js';

/** A top-level binding across the two versions. */
export type BindingDiff =
  | { readonly kind: 'carried'; readonly name: string; readonly type: string; readonly line: number }
  | {
      readonly kind: 'changed';
      readonly name: string;
      readonly oldType: string;
      readonly newType: string;
      readonly line: number;
      /**
       * True when the change lies only inside class instances the binding
       * holds: the class transformers update those in place, so the binding
       * itself is carried as is.
       */
      readonly viaClassesOnly: boolean;
      /** Every old value is a new value (`number` -> `number | undefined`): carried as is. */
      readonly widening: boolean;
      /** Code or a handle (see state/carry-policy.ts): the new version's value is used, no transformer. */
      readonly notState?: string;
    }
  /** In both versions, but the new version's value is used: code, a handle, or a constant whose initializer changed. */
  | { readonly kind: 'renewed'; readonly name: string; readonly type: string; readonly line: number; readonly reason: string }
  | { readonly kind: 'new'; readonly name: string; readonly type: string; readonly line: number }
  | { readonly kind: 'dropped'; readonly name: string; readonly type: string; readonly line: number };

export type FieldDiff =
  | { readonly kind: 'added'; readonly name: string; readonly type: string; readonly optional: boolean }
  | { readonly kind: 'removed'; readonly name: string; readonly type: string }
  /** One field removed and one of the same type added: probably a rename, but only a guess. */
  | { readonly kind: 'renamed'; readonly from: string; readonly to: string; readonly type: string; readonly guess: true }
  | {
      readonly kind: 'changed';
      readonly name: string;
      readonly oldType: string;
      readonly newType: string;
      /** Every old value is a new value (a widened union, added optional properties): carried as is. */
      readonly widening: boolean;
      /** The change lies inside instances of classes the field holds, which their own class transformers take care of. */
      readonly viaClasses?: true;
    };

export interface ClassDiff {
  readonly name: string;
  readonly kind: 'same' | 'changed' | 'new' | 'dropped';
  readonly line: number;
  readonly fields: readonly FieldDiff[];
  readonly methods: readonly { readonly name: string; readonly change: 'changed' | 'added' | 'removed' }[];
  /** Existing instances need a `fields` transformer (a field must get a value, or changed representation). */
  readonly needsTransformer: boolean;
}

export interface TypeDiff {
  readonly bindings: readonly BindingDiff[];
  readonly classes: readonly ClassDiff[];
}

const EMPTY: ModuleShape = { bindings: new Map(), classes: new Map() };

/**
 * `initChanged`: constants whose compiled initializer changed (from the
 * compiled-code comparison), which the runtime does not carry either.
 */
export function compareShapes(before: ModuleShape | undefined, after: ModuleShape | undefined, functions: readonly ChangedFunction[], initChanged: readonly string[] = [], reloaded = true): TypeDiff {
  const oldShape = before ?? EMPTY;
  const newShape = after ?? EMPTY;
  const bindings: BindingDiff[] = [];
  for (const [name, b] of newShape.bindings) {
    const o = oldShape.bindings.get(name);
    if (!o) bindings.push({ kind: 'new', name, type: b.typeText, line: b.line });
    // A patched or unchanged module keeps every value it has: nothing is renewed.
    else if (reloaded && (b.notState !== undefined || o.notState !== undefined)) {
      bindings.push({ kind: 'renewed', name, type: b.typeText, line: b.line, reason: `holds ${b.notState ?? o.notState}` });
    } else if (b.declKind === 'const' && initChanged.includes(name)) {
      bindings.push({ kind: 'renewed', name, type: b.typeText, line: b.line, reason: 'its initializer changed' });
    } else if (o.full === b.full) bindings.push({ kind: 'carried', name, type: b.typeText, line: b.line });
    else {
      const notState = b.notState ?? o.notState;
      const base = { kind: 'changed', name, oldType: o.typeText, newType: b.typeText, line: b.line, viaClassesOnly: o.nominal === b.nominal, widening: isWidening(o, b, fingerprint) || accepts(o, b) } as const;
      bindings.push(notState === undefined ? base : { ...base, notState });
    }
  }
  for (const [name, o] of oldShape.bindings) {
    if (!newShape.bindings.has(name)) bindings.push({ kind: 'dropped', name, type: o.typeText, line: o.line });
  }
  const classes: ClassDiff[] = [];
  for (const [name, c] of newShape.classes) classes.push(compareClass(oldShape.classes.get(name), c, functions));
  for (const [name, o] of oldShape.classes) {
    if (!newShape.classes.has(name)) classes.push({ name, kind: 'dropped', line: o.line, fields: [], methods: [], needsTransformer: false });
  }
  return { bindings, classes };
}

function compareClass(before: ClassShape | undefined, after: ClassShape, functions: readonly ChangedFunction[]): ClassDiff {
  if (!before) return { name: after.name, kind: 'new', line: after.line, fields: [], methods: [], needsTransformer: false };
  const fields = compareFields(before.fields, after.fields);
  const methods = compareMethods(before, after, functions);
  const needsTransformer = fields.some((f) => f.kind === 'renamed' || (f.kind === 'changed' && !f.widening && !f.viaClasses) || (f.kind === 'added' && !f.optional));
  const kind = fields.length || methods.length ? 'changed' : 'same';
  return { name: after.name, kind, line: after.line, fields, methods, needsTransformer };
}

export function compareFields(before: readonly FieldShape[], after: readonly FieldShape[]): FieldDiff[] {
  const oldByName = new Map(before.map((f) => [f.name, f]));
  const newByName = new Map(after.map((f) => [f.name, f]));
  const added = after.filter((f) => !oldByName.has(f.name));
  const removed = before.filter((f) => !newByName.has(f.name));
  const out: FieldDiff[] = [];
  // A rename is guessed only where it is unambiguous: exactly one removed and
  // exactly one added field of that type.
  const renamed = new Set<string>();
  for (const r of removed) {
    const sameOld = removed.filter((x) => x.full === r.full);
    const sameNew = added.filter((x) => x.full === r.full);
    const target = sameNew[0];
    if (sameOld.length === 1 && sameNew.length === 1 && target) {
      out.push({ kind: 'renamed', from: r.name, to: target.name, type: target.typeText, guess: true });
      renamed.add(r.name).add(target.name);
    }
  }
  for (const f of after) {
    const o = oldByName.get(f.name);
    if (!o && !renamed.has(f.name)) out.push({ kind: 'added', name: f.name, type: f.typeText, optional: f.optional });
    else if (o && o.full !== f.full) {
      const base = { kind: 'changed', name: f.name, oldType: o.typeText, newType: f.typeText, widening: isWidening(o, f, fingerprint) || accepts(o, f) } as const;
      out.push(!base.widening && o.nominal === f.nominal ? { ...base, viaClasses: true } : base);
    }
  }
  for (const r of removed) if (!renamed.has(r.name)) out.push({ kind: 'removed', name: r.name, type: r.typeText });
  return out;
}

/** Method changes, from the compiled-code comparison (bodies) and the declarations (added, removed). */
function compareMethods(before: ClassShape, after: ClassShape, functions: readonly ChangedFunction[]): ClassDiff['methods'] {
  const out = new Map<string, 'changed' | 'added' | 'removed'>();
  const oldMethods = new Set(before.methods);
  const newMethods = new Set(after.methods);
  for (const m of newMethods) if (!oldMethods.has(m)) out.set(m, 'added');
  for (const m of oldMethods) if (!newMethods.has(m)) out.set(m, 'removed');
  const prefix = `${after.name}.`;
  for (const f of functions) {
    if (!f.name.startsWith(prefix)) continue;
    // `Store.get/<arrow>`: a closure inside the method is a change to the method.
    const name = f.name.slice(prefix.length).split('/')[0]!.replace(/#\d+$/, '');
    // The compiled code names static methods like instance ones.
    const method = oldMethods.has(name) || newMethods.has(name) ? name : `static ${name}`;
    if (!out.has(method) && (oldMethods.has(method) || newMethods.has(method))) out.set(method, 'changed');
  }
  return [...out].map(([name, change]) => ({ name, change }));
}
