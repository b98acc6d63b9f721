import type * as acorn from 'acorn';

/**
 * How a class changes between two versions of a module's skeleton: on the
 * live class (members added, replaced or removed), or by a new declaration
 * (heritage, constructor, fields or static blocks changed). Used by the live
 * plan (live-plan.ts) and, through it, by `baton diff` and `baton update`.
 */

/** A class declaration, or a declaration whose initializer is a class expression (esbuild's form for classes with statics). */
export interface ClassDeclaration {
  readonly node: acorn.Class;
  readonly binding: string;
}

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

function heritage(skeleton: string, c: acorn.Class): string {
  return c.superClass ? skeleton.slice(c.superClass.start, c.superClass.end) : '';
}

interface Member {
  readonly key: string;
  /** The property name for accessor pairing and removal (`size` for `get size`), with `static ` when static. */
  readonly property: string;
  readonly text: string;
}

/** A class body's members: methods and accessors by key; everything else (constructor, fields, static blocks) as fixed text. */
function membersOf(skeleton: string, cls: acorn.Class): { methods: Map<string, Member>; fixed: string[]; markers: Map<string, string> } {
  const methods = new Map<string, Member>();
  const fixed: string[] = [];
  const markers = new Map<string, string>();
  for (const m of cls.body.body) {
    const text = skeleton.slice(m.start, m.end);
    if (m.type === 'MethodDefinition' && m.kind !== 'constructor') {
      const name = m.computed ? `[${skeleton.slice(m.key.start, m.key.end)}]` : m.key.type === 'Identifier' ? m.key.name : skeleton.slice(m.key.start, m.key.end);
      const property = `${m.static ? 'static ' : ''}${name}`;
      const key = `${m.static ? 'static ' : ''}${m.kind === 'method' ? '' : `${m.kind} `}${name}`;
      methods.set(key, { key, property, text });
      continue;
    }
    // The slot form marks async methods from a static block (`__baton_async(this.prototype["am"])`): it goes with its method.
    const marker = /^static \{ __baton_async\(this(\.prototype)?\[("(?:[^"\\]|\\.)*")\]\); \}$/.exec(text);
    if (marker) {
      markers.set(`${marker[1] ? '' : 'static '}${JSON.parse(marker[2]!) as string}`, text);
      continue;
    }
    fixed.push(text);
  }
  return { methods, fixed, markers };
}

/**
 * A class's change, when it can be made on the live class: the same heritage,
 * constructor, fields and static blocks, with methods and accessors added,
 * replaced or removed. Undefined otherwise (the instance needs a new class).
 */
export function classChange(oldSkeleton: string, before: ClassDeclaration, newSkeleton: string, after: ClassDeclaration): Omit<ClassChange, 'name'> | undefined {
  if (before.binding !== after.binding || before.node.id?.name !== after.node.id?.name) return undefined;
  if (heritage(oldSkeleton, before.node) !== heritage(newSkeleton, after.node)) return undefined;
  const old = membersOf(oldSkeleton, before.node);
  const next = membersOf(newSkeleton, after.node);
  if (old.fixed.join('\n') !== next.fixed.join('\n')) return undefined;
  const added: string[] = [];
  const replaced: string[] = [];
  for (const [key, m] of next.methods) {
    const o = old.methods.get(key);
    if (!o) added.push(key);
    else if (o.text !== m.text) replaced.push(key);
  }
  const removed = [...old.methods.keys()].filter((k) => !next.methods.has(k));
  return { binding: after.binding, inner: after.node.id?.name ?? after.binding, added, replaced, removed };
}

/** What made a class need a new declaration, for people. */
export function classFixedChange(oldSkeleton: string, before: ClassDeclaration, newSkeleton: string, after: ClassDeclaration): string {
  if (heritage(oldSkeleton, before.node) !== heritage(newSkeleton, after.node)) return 'its heritage changed';
  const old = membersOf(oldSkeleton, before.node).fixed;
  const next = membersOf(newSkeleton, after.node).fixed;
  const ctor = (texts: string[]) => texts.find((t) => /^constructor\s*\(/.test(t));
  if (ctor(old) !== ctor(next)) return 'its constructor changed';
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
export function memberEditSource(newSkeleton: string, node: acorn.Class, change: ClassChange, live: string): { source: string; properties: string[]; deleted: string[] } {
  const { methods, markers } = membersOf(newSkeleton, node);
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

