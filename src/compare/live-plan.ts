import type { CompiledModule } from '../program/runner/compile.js';
import { isCompilerName } from '../program/runner/top-level.js';
import { classChange, classFixedChange, memberEditSource, type ClassChange } from './class-change.js';
import { outlineOf, type OutlineStatement } from './skeleton-outline.js';
import { locationDerived } from './module-location.js';

export type { ClassChange } from './class-change.js';

/**
 * A structural change that can be made on the live module, without
 * evaluating it again: what `baton diff` lists and `baton update` applies.
 * Top-level statements are matched by what they declare (a binding keeps its
 * state when its initializer changes) or, for other statements, by their
 * text (a new or changed statement does not run: the module ran once).
 */
export interface LivePlan {
  /** New top-level bindings, in source order: initialized on the live module at commit. */
  readonly added: readonly string[];
  /** Bindings whose initializer changed: they keep their current value unless it is code (see prepareLive). */
  readonly kept: readonly string[];
  /**
   * Bindings recomputed from their new initializers, in source order: those
   * whose changed initializer is a pure constant (literals, object and array
   * literals of constants, other such bindings), and every pure binding
   * derived from one; and those whose changed initializer reads where the
   * module is (a path of the new version).
   */
  readonly recomputed: readonly string[];
  /** Bindings the new version no longer declares: left to the old code that still reads them. */
  readonly dropped: readonly string[];
  /** New or changed top-level statements (first line of each), which do not run. */
  readonly notRun: readonly string[];
  /** Exports new in this version. */
  readonly exportsAdded: readonly string[];
  /** Classes whose methods, accessors or static members changed: made on the live class (identity and instanceof kept). */
  readonly classes: readonly ClassChange[];
  /** Imports of a moved module under its new path: [new specifier, old specifier]; they lead to the same live module. */
  readonly renamedImports: ReadonlyArray<readonly [string, string]>;
  /** Specifiers the new version imports and the running one did not: linked to the live module at commit (a new module evaluated then). */
  readonly importsAdded: readonly string[];
  /**
   * Bindings declared again on the live module at commit (a new object in the
   * same binding): a function whose stub changed (arity, kind), a class whose
   * heritage, constructor, fields or static blocks changed or whose instances
   * a transformer changes, and aliases of those (esbuild's `let Store = _Store`).
   * Nothing else of the module runs again.
   */
  readonly redeclared: readonly string[];
  /** Classes among `redeclared`: their old instances keep their identity and move to the new class (class-migration.ts). */
  readonly newClasses: readonly ClassRedeclared[];
}

/** A class declared again on the live module. */
export interface ClassRedeclared {
  /** The name the source and the update file use (`Store`). */
  readonly name: string;
  /** The binding that holds it (`Store`, or esbuild's `_Store`). */
  readonly binding: string;
  /** Why (for people): what changed. */
  readonly why: string;
}

/** Why a module's change cannot be made on the live module: the update is refused (a hand-off is the way). */
export interface LiveBlocked {
  readonly blocked: string;
}

/** What the update file says about one module's classes (update-file-scan.ts). */
export interface LiveOptions {
  /** Imports of moved modules: new specifier -> old specifier. */
  readonly renamed?: ReadonlyMap<string, string>;
  /** Whether a `classes` transformer names this class of this module. */
  readonly transformsClass?: (className: string) => boolean;
}

/**
 * Compares the skeletons of two versions (module code with stubs, without
 * bodies). `blocked` names what cannot change on the live module (the update
 * is then refused, never made by evaluating the module again).
 */
export function planLive(before: CompiledModule, after: CompiledModule, options: LiveOptions = {}): LivePlan | LiveBlocked {
  const renamed = options.renamed ?? new Map<string, string>();
  const transformsClass = options.transformsClass ?? (() => false);
  if (before.unslottable || after.unslottable) {
    const u = (after.unslottable ?? before.unslottable)!;
    return { blocked: `uses ${u.construct} (line ${u.line}), which the slot form cannot express` };
  }
  const oldImports = new Set(before.imports);
  const importsAdded = after.imports.filter((s) => !oldImports.has(s) && !oldImports.has(renamed.get(s) ?? ''));
  const renamedImports = after.imports.filter((s) => !oldImports.has(s) && oldImports.has(renamed.get(s) ?? '')).map((s) => [s, renamed.get(s)!] as const);
  let old: readonly OutlineStatement[];
  let next: readonly OutlineStatement[];
  try {
    old = outlineOf(before.skeleton);
    next = outlineOf(after.skeleton);
  } catch (error) {
    return { blocked: `its compiled form could not be compared (${(error as Error).message})` };
  }
  const oldByKey = new Map(old.map((s) => [s.key, s]));
  const declaredBefore = new Set(old.flatMap((s) => s.names));
  const added: string[] = [];
  const kept: string[] = [];
  const notRun: string[] = [];
  const exportsAdded: string[] = [];
  const classes: ClassChange[] = [];
  const redeclared: string[] = [];
  const newClasses: ClassRedeclared[] = [];
  // esbuild declares `let Store = _Store` after a class expression: that is the source's name.
  const sourceName = (binding: string) => next.find((d) => d.kind === 'declaration' && d.init?.identifier === binding)?.names[0] ?? binding;
  for (const s of next) {
    const o = oldByKey.get(s.key);
    oldByKey.delete(s.key);
    if (s.kind === 'export') {
      for (const name of s.exports?.keys() ?? []) if (!o?.exports?.has(name)) exportsAdded.push(name);
      continue;
    }
    if (s.kind === 'statement') {
      if (!o) notRun.push(firstLineOf(s.text));
      continue;
    }
    if (o) {
      const transformed = s.cls !== undefined && transformsClass(sourceName(s.cls.binding));
      if (o.text === s.text && !transformed) continue;
      if (o.cls || s.cls) {
        // A class changes on the live class, or is declared again: never as a kept binding that hides new methods.
        if (!o.cls || !s.cls || o.cls.binding !== s.cls.binding) return { blocked: `${s.names.join(', ')} changed between a class and another kind of binding` };
        const change = transformed ? undefined : classChange(o.cls, s.cls);
        if (change) {
          classes.push({ ...change, name: sourceName(change.binding) });
          continue;
        }
        redeclared.push(s.cls.binding);
        const why = transformed ? 'its instances are transformed' : classFixedChange(o.cls, s.cls);
        newClasses.push({ name: sourceName(s.cls.binding), binding: s.cls.binding, why });
        continue;
      }
      // A function whose stub changed (arity, kind: sync, async, generator) is declared again; its body goes into the same slot.
      if (s.kind === 'function') {
        redeclared.push(...s.names);
        continue;
      }
      kept.push(...s.names);
      continue;
    }
    // A binding that moved into another declaration statement, or a redeclaration, is not new.
    const again = s.names.find((n) => declaredBefore.has(n));
    if (again !== undefined) return { blocked: `${again} is declared by a different statement than before (\`${firstLineOf(s.text)}\`)` };
    added.push(...s.names);
  }
  // An alias of a class declared again (`let Store = _Store`) follows it.
  for (const s of next) {
    if (s.kind === 'declaration' && s.init?.identifier !== undefined && redeclared.includes(s.init.identifier) && !redeclared.includes(s.names[0]!)) redeclared.push(s.names[0]!);
  }
  const dropped = [...oldByKey.values()].filter((s) => s.kind !== 'statement' && s.kind !== 'export').flatMap((s) => s.names);
  const recomputed = pureRecomputation(next, new Set(kept));
  return { added, kept: kept.filter((n) => !recomputed.includes(n) && !redeclared.includes(n)), recomputed, dropped, notRun, exportsAdded, classes, renamedImports, importsAdded, redeclared, newClasses };
}

export function isBlocked(plan: LivePlan | LiveBlocked): plan is LiveBlocked {
  return 'blocked' in plan;
}

/**
 * What a class change installs (see memberEditSource), found in the new
 * version's skeleton by the class's binding.
 */
export function classMembersSource(newSkeleton: string, change: ClassChange): { source: string; properties: string[]; deleted: string[] } {
  const s = outlineOf(newSkeleton).find((st) => st.cls?.binding === change.binding);
  if (!s?.cls) throw new Error(`baton: class ${change.binding} is not in the new version`);
  // A class an earlier live update declared lives on `__baton_ext`, not in a module binding.
  return memberEditSource(s.cls, change, s.key.startsWith('ext ') ? `__baton_ext.${change.binding}` : change.binding);
}

/**
 * Kept bindings with pure initializers, and the pure bindings derived from
 * them, in source order (which bindings are pure is the outline's, read in
 * source order: skeleton-outline.ts).
 */
function pureRecomputation(statements: readonly OutlineStatement[], changed: ReadonlySet<string>): string[] {
  const located = new Set(
    locationDerived(statements.flatMap((s) => (s.kind === 'declaration' && s.names.length === 1 && s.init ? [{ name: s.names[0]!, kind: 'let', init: s.init.text }] : []))).map((b) => b.name),
  );
  const out = new Set<string>();
  for (const s of statements) {
    if (s.kind !== 'declaration' || s.names.length !== 1 || !s.init) continue;
    const name = s.names[0]!;
    // A changed initializer that reads where its module is (`join(__dirname, 'templates')`) names a path of the
    // new version, never state: kept, it would hold the old one.
    if (!s.init.pure) {
      if (changed.has(name) && located.has(name)) out.add(name);
      continue;
    }
    if (changed.has(name) || (s.init.reads ?? []).some((n) => out.has(n))) out.add(name);
  }
  return [...out];
}

/** A declaration's initializer text in a live-compiled skeleton (stubs in place of functions). */
export function initializerOf(liveSkeleton: string, name: string): string | undefined {
  return declarationOf(liveSkeleton, name)?.init?.text;
}

/** The declaration of one binding in a live-compiled skeleton. */
export function declarationOf(liveSkeleton: string, name: string): OutlineStatement | undefined {
  return outlineOf(liveSkeleton).find((st) => st.kind === 'declaration' && st.names.length === 1 && st.names[0] === name);
}

/** The plan in the user's terms, one phrase per change. */
export function describeLive(plan: LivePlan): string[] {
  // What esbuild adds for a new construct (`__publicField` for a class field) is declared on the live module like
  // any binding, but it is not the user's to read about.
  const own = (n: string) => !isCompilerName(n);
  return [
    ...plan.added.filter(own).map((n) => `new ${n}`),
    ...plan.kept.map((n) => `${n} keeps its value (initializer changed)`),
    ...plan.recomputed.map((n) => `${n} recomputed (a constant, or where the module is)`),
    ...plan.dropped.filter(own).map((n) => `${n} no longer declared`),
    ...plan.exportsAdded.map((n) => `exports ${n}`),
    ...plan.classes.flatMap((c) => [
      ...c.added.map((k) => `${c.name}: new ${k}`),
      ...c.replaced.map((k) => `${c.name}: ${k} replaced`),
      ...c.removed.map((k) => `${c.name}: ${k} removed`),
    ]),
    ...plan.newClasses.map((c) => `${c.name} declared again (${c.why}); its instances move to it`),
    ...plan.redeclared.filter((n) => !plan.newClasses.some((c) => c.binding === n) && !isAlias(plan, n)).map((n) => `${n} declared again (its signature changed)`),
    ...plan.importsAdded.map((s) => `imports '${s}'`),
    ...plan.notRun.map((s) => `not run: ${s}`),
  ];
}

function isAlias(plan: LivePlan, name: string): boolean {
  return plan.newClasses.some((c) => c.name === name && c.binding !== name);
}

export function firstLineOf(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** The statements of a live-compiled skeleton that declare the added bindings, in order. */
export function addedStatements(liveSkeleton: string, added: ReadonlySet<string>): OutlineStatement[] {
  return outlineOf(liveSkeleton).filter((s) => s.key.startsWith('ext ') && added.has(s.names[0]!));
}

/** The export entries (`name: () => ...`) of the names given, from a live-compiled skeleton. */
export function exportEntries(liveSkeleton: string, names: ReadonlySet<string>): { target: string; entries: string[] } | undefined {
  const exp = outlineOf(liveSkeleton).find((s) => s.kind === 'export');
  if (!exp?.exports) return undefined;
  const target = /^__export\(([\w$]+),/.exec(exp.text)?.[1];
  if (!target) return undefined;
  return { target, entries: [...exp.exports].filter(([n]) => names.has(n)).map(([, text]) => text) };
}

/**
 * The new or changed top-level statements of a live-compiled skeleton (what
 * `notRun` lists), whole, in source order: what a `run` entry may ask for.
 */
export function newStatements(oldSkeleton: string, liveSkeleton: string): string[] {
  const old = new Set(outlineOf(oldSkeleton).map((s) => s.key));
  return outlineOf(liveSkeleton)
    .filter((s) => s.kind === 'statement' && !old.has(s.key) && !/^__baton_ext\.[\w$]+ = /.test(s.text))
    .map((s) => s.text);
}
