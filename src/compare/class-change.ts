import type { ClassMember, ClassOutline } from './skeleton-outline.js';

/**
 * How a class changes between two versions of a module's skeleton: on the
 * live class (members added, replaced or removed), or by a new declaration
 * (heritage, constructor, fields or static blocks changed). Used by the live
 * plan (live-plan.ts) and, through it, by `baton diff` and `baton update`.
 */

/**
 * Members added, replaced or removed on a live class and its prototype.
 * Member keys are as written (`get size`, `static create`, `[Symbol.iterator]`).
 */
export interface ClassChange {
  /** The class's name in the source (`Store`), for people. */
  readonly name: string;
  /** The module binding that holds the class (`Store`, or esbuild's `_Store` for a class with static members). */
  readonly binding: string;
  /** The name the class's own code uses for itself (esbuild's `_Store2`), bound to the live class. */
  readonly inner: string;
  readonly added: readonly string[];
  readonly replaced: readonly string[];
  readonly removed: readonly string[];
}

/**
 * A class's change, when it can be made on the live class: the same heritage,
 * constructor, fields and static blocks, with methods and accessors added,
 * replaced or removed. Undefined otherwise (the instance needs a new class).
 */
export function classChange(before: ClassOutline, after: ClassOutline): Omit<ClassChange, 'name'> | undefined {
  if (before.binding !== after.binding || before.id !== after.id) return undefined;
  if (before.heritage !== after.heritage) return undefined;
  if (before.fixed.join('\n') !== after.fixed.join('\n')) return undefined;
  const old = methodsByKey(before);
  const next = methodsByKey(after);
  const added: string[] = [];
  const replaced: string[] = [];
  for (const [key, m] of next) {
    const o = old.get(key);
    if (!o) added.push(key);
    else if (o.text !== m.text) replaced.push(key);
  }
  const removed = [...old.keys()].filter((k) => !next.has(k));
  return { binding: after.binding, inner: after.id ?? after.binding, added, replaced, removed };
}

function methodsByKey(cls: ClassOutline): Map<string, ClassMember> {
  return new Map(cls.methods.map((m) => [m.key, m]));
}

/** What made a class need a new declaration, for people. */
export function classFixedChange(before: ClassOutline, after: ClassOutline): string {
  if (before.heritage !== after.heritage) return 'its heritage changed';
  const ctor = (texts: readonly string[]) => texts.find((t) => /^constructor\s*\(/.test(t));
  if (ctor(before.fixed) !== ctor(after.fixed)) return 'its constructor changed';
  return 'its fields or static blocks changed';
}

/**
 * What a class change installs, compiled in the module's scope: a function
 * returning a class that holds the new members, with the class's own name
 * bound to the live class (`live`, the expression that reads it; the stubs
 * name it for `super` and statics), and the properties to delete. An
 * accessor whose getter or setter changed is defined whole from the new
 * version.
 */
export function memberEditSource(cls: ClassOutline, change: ClassChange, live: string): { source: string; properties: string[]; deleted: string[] } {
  const methods = methodsByKey(cls);
  const markers = cls.markers;
  const touched = new Set([...change.added, ...change.replaced].map((k) => methods.get(k)!.property));
  const members = [...methods.values()].filter((m) => touched.has(m.property));
  const marks = members.flatMap((m) => {
    const mark = markers.get(m.property);
    return mark ? [mark] : [];
  });
  const remaining = new Set([...methods.values()].map((m) => m.property));
  const oldProperty = (key: string) => key.replace(/^(static )?(get |set )?/, '$1');
  const deleted = [...new Set(change.removed.map(oldProperty))].filter((p) => !remaining.has(p));
  return {
    source: `((${change.inner}) => class {\n${[...members.map((m) => m.text), ...marks].join('\n')}\n})(${live})`,
    properties: [...touched],
    deleted,
  };
}

