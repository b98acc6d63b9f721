import * as acorn from 'acorn';
import { analyze, type Variable } from 'eslint-scope';
import { KEYS } from 'eslint-visitor-keys';
import MagicString, { Bundle } from 'magic-string';
import type { Program as EstreeProgram } from 'estree';
import { collectFunctions, findDirectEval, GENERATED, ownUses, plainReason, singletonClasses, splitGenerator, type ClassNode, type FnInfo } from './slot-analysis.js';
import { capturesOf, cellName, passedCaptures, refInsertion, signature } from './slot-captures.js';
import { REF_CLASS } from './slot-table.js';
import { applyEdits, bodyHead, externalEdits, rewriteReferences, stubEdits, type Edit } from './slot-emit.js';
import { boxable, boxEdits, boxedUses, boxGroups, functionDeclarations } from './slot-boxes.js';

/**
 * The slot form (Ginseng's function indirection, extended to closures).
 *
 * Every app function becomes a *stub* in place, with the same name, length
 * and kind, whose only work is to call the current *body* held in a global
 * property cell (the slot). Bodies are defined once, at the top of the module
 * wrapper, where they see the module's bindings; a patch evaluates a new body
 * in that same scope and replaces the cell. Variables a closure captures from
 * enclosing functions are passed by the stub on every call: by value when
 * they are never reassigned, through their scope's box (`$rs_2.x`,
 * slot-boxes.ts) or a small accessor object (`$r_x.v`) when they are, so a
 * body compiled later reaches exactly the variables the old one did.
 *
 * The analysis is eslint-scope's; edits go through magic-string so the
 * result keeps a source map back to the code esbuild produced.
 */
export interface SlotBody {
  /** Lexical identity within the module: `Store.get`, `start/server/<arrow>`. */
  readonly path: string;
  /** The global cell that holds the body; changes when the capture list changes. */
  readonly cell: string;
  /** A function expression evaluated in the module's scope. */
  readonly source: string;
  readonly suspendable: boolean;
  /** What the stub passes besides the parameters, by name (`passedCaptures`, for reports). */
  readonly captures: readonly string[];
  /** The form each of `captures` is passed in (the same order): what the cell's signature is made of. */
  readonly forms: readonly string[];
  /** The `super.name` helpers the body calls (a patch makes any that the live class lacks). */
  readonly supers?: readonly SuperHelper[];
}

/**
 * `super.name`, read natively by a method of the class itself, kept in a
 * global cell: a body outside the class cannot use `super`, and what it
 * could use instead is slow in V8 (`Object.getPrototypeOf` of a home passed
 * by the stub is not folded, measured 0.1x on super calls; `Reflect.get` with
 * a receiver is a runtime call, 0.06x on super getters), whereas a cell that
 * never changes is a constant the optimizer inlines through.
 */
export interface SuperHelper {
  readonly cell: string;
  /** The cell holding the class, registered when the class is defined. */
  readonly home: string;
  readonly key: string;
  readonly static: boolean;
  /** `get` returns `super.key`; `call` returns `super.key(...args)`. */
  readonly kind: 'get' | 'call';
}

/** A function left in its plain form, and why (a change to it cannot be a slot swap). */
export interface PlainFunction {
  readonly path: string;
  readonly line: number;
  readonly reason: string;
}

export interface SlotForm {
  /** The wrapper's head, slot installs, the module code with stubs, the wrapper's tail. */
  readonly text: string;
  /** Source map of `text` back to the input (JSON). */
  readonly map: string;
  /** The module code with stubs, no bodies: two versions with the same skeleton differ only in bodies. */
  readonly skeleton: string;
  readonly slots: readonly SlotBody[];
  readonly plain: readonly PlainFunction[];
  /** Cells holding classes and their `super` helpers (SuperHelper): cleared with the instance's slots. */
  readonly homes: readonly string[];
  /** The accessor classes for reassigned captures the module's scope declares (`$r_x`, refClass in slot-table.ts). */
  readonly refs: readonly string[];
  /** A construct that keeps the whole module in plain form (direct eval). */
  readonly unslottable?: { readonly construct: string; readonly line: number };
}


/**
 * Rewrites `code` (a CommonJS-shaped module body, strict) into the slot form.
 * `scope` names the module instance (module id plus generation): cells of two
 * versions compiled with the same scope line up by lexical path.
 */
export function toSlotForm(code: string, file: string, scope: string, ast: acorn.Program, wrap: { head: string; tail: string }, external: ReadonlySet<string> = new Set()): SlotForm {
  const manager = analyze(ast as unknown as EstreeProgram, {
    ecmaVersion: 2022,
    sourceType: 'script',
    nodejsScope: true,
    impliedStrict: true,
    childVisitorKeys: KEYS,
    fallback: 'iteration',
  });
  const moduleScope = manager.globalScope?.childScopes[0];
  const lineOf = lineIndex(code);

  const direct = findDirectEval(ast, manager.globalScope!);
  if (direct !== undefined) {
    const ms = new MagicString(code).prepend(wrap.head).append(wrap.tail);
    return { text: ms.toString(), map: ms.generateMap({ source: file, hires: true }).toString(), skeleton: code, slots: [], plain: [], homes: [], refs: [], unslottable: { construct: 'direct eval', line: lineOf(direct) } };
  }

  const fns = collectFunctions(ast);
  const byNode = new Map(fns.map((f) => [f.node as acorn.Node, f]));
  const refVars = new Set<Variable>();
  const supers = superHelpers(ast, scope);

  // Decide in pre-order: an arrow's `arguments`, `new.target` and `super`
  // come from its nearest non-arrow function, decided before it.
  for (const f of fns) {
    const own = ownUses(f);
    f.usesArguments = own.arguments;
    f.usesNewTarget = own.newTarget;
    f.usesThis = f.node.type !== 'ArrowFunctionExpression' || own.this;
    // The stub passes its home only where a helper cannot serve: `super[expr]`, a class evaluated more than once.
    f.usesSuper = own.superRead && (own.superComputed || !supers.serves(f.nonArrow));
    const why = plainReason(f, own, manager, moduleScope);
    if (why) {
      f.converted = false;
      f.reason = why;
      continue;
    }
    f.captures = capturesOf(f, manager, moduleScope);
    // In strict code, assigning a function expression's own name throws; a parameter would not: keep such a function plain.
    const ownName = f.captures.find((c) => c.variable.scope.type === 'function-expression-name' && c.variable.references.some((r) => r.isWrite()));
    if (ownName) {
      f.converted = false;
      f.reason = `assigns to ${ownName.name}, the name of the function expression around it`;
      continue;
    }
    const blocked = f.captures.find((c) => c.ref && !refInsertion(c.variable, f));
    if (blocked) {
      f.converted = false;
      f.reason = `captures ${blocked.name}, reassigned in a scope the slot form cannot reach`;
      continue;
    }
    if ((f.node.generator) && f.node.params.some((p) => p.type !== 'Identifier')) {
      // A generator evaluates its parameters when called, before its body first runs: they stay in the stub.
      const why = splitGenerator(f, manager, moduleScope, external);
      if (why) {
        f.converted = false;
        f.reason = why;
        continue;
      }
    }
    for (const c of f.captures) if (c.ref) refVars.add(c.variable);
  }
  // Reassigned captures a box can hold (slot-boxes.ts), one box per scope: part of the capture signature.
  const hoisted = functionDeclarations(ast);
  const boxed = [...refVars].filter((v) => boxable(v, hoisted));
  const boxOf = boxGroups(boxed);
  for (const f of fns) {
    if (!f.converted) continue;
    f.captures = f.captures.map((c) => (boxOf.has(c.variable) ? { ...c, box: boxOf.get(c.variable)! } : c));
    f.cell = cellName(scope, f.path, signature(f));
  }

  const converted = fns.filter((f) => f.converted);
  // Owner of a position: the innermost converted function around it, or the module.
  const ownerAt = (pos: number, exclude?: FnInfo): FnInfo | undefined => {
    let best: FnInfo | undefined;
    for (const f of converted) {
      if (f === exclude) continue;
      if (f.node.start <= pos && pos < f.node.end && (!best || f.node.start >= best.node.start)) best = f;
    }
    return best;
  };
  const edits = new Map<FnInfo | undefined, Edit[]>();
  const add = (owner: FnInfo | undefined, edit: Edit) => {
    let list = edits.get(owner);
    if (!list) edits.set(owner, (list = []));
    list.push(edit);
  };

  // Stubs, in their parents.
  for (const f of converted) {
    const owner = f.outer ? ownerAt(f.node.start, f) : undefined;
    for (const e of stubEdits(f, code, external)) add(owner, e);
  }
  // Accessor objects for reassigned captures, at the start of their scopes.
  const refCells = new Map<FnInfo | undefined, Set<string>>();
  const boxedAt = new Map<number, string>();
  for (const v of boxed) boxedUses(v, boxOf.get(v)!, boxedAt);
  for (const v of refVars) {
    if (boxed.includes(v)) continue;
    const at = refInsertion(v, undefined)!;
    // A `const` gets a writer too: the assignment in it throws as the program's own would (TypeError, or
    // ReferenceError before its declaration), and the accessor needs no check (which kept it from inlining).
    const setter = `, (__v) => { ${v.name} = __v; }`;
    // An accessor class of its own per variable of each function (refClass in slot-table.ts).
    const owner = ownerAt(at);
    const cell = cellName(scope, `${owner?.path ?? ''}<ref>${v.name}`, '');
    let cells = refCells.get(owner);
    if (!cells) refCells.set(owner, (cells = new Set()));
    cells.add(cell);
    add(owner, { kind: 'right', start: at, end: at, text: ` const $r_${v.name} = new ${cell}(() => ${v.name}${setter});` });
  }
  // Module bindings a live update added: declared and read as properties of `__baton_ext`.
  if (external.size > 0 && moduleScope) externalEdits(ast, moduleScope, external, ownerAt, add);
  // Rewrites inside bodies: reassigned captures, arguments, new.target, super.
  rewriteReferences(ast, byNode, converted, ownerAt, add, code, supers.helper, inertArgument(manager), boxedAt);
  // Boxes last (boxEdits says why).
  const byScope = new Map<unknown, Variable[]>();
  for (const v of boxed) byScope.set(v.scope, [...(byScope.get(v.scope) ?? []), v]);
  for (const members of byScope.values()) for (const e of boxEdits(members, boxOf.get(members[0]!)!, code)) add(ownerAt(e.start), e);

  const pieces = new Bundle({ separator: '\n' });
  const slots: SlotBody[] = [];
  for (const f of converted) {
    const ms = new MagicString(code);
    applyEdits(ms, edits.get(f) ?? []);
    bodyHead(ms, f, code);
    ms.remove(0, f.node.start);
    if (f.node.end < code.length) ms.remove(f.node.end, code.length);
    const suspendable = f.node.async || f.node.generator;
    if (suspendable) ms.prepend('__baton_frames((__k) => ').append(')');
    const source = ms.toString();
    const used = supers.usedBy.get(f);
    const passed = passedCaptures(f);
    slots.push({ path: f.path, cell: f.cell, source, suspendable, captures: passed.map((c) => c.name), forms: passed.map((c) => c.form), ...(used ? { supers: [...used.values()] } : {}) });
    pieces.addSource({ filename: file, content: ms.prepend(`__baton_slot(${JSON.stringify(f.cell)}, `).append(');') });
  }
  const main = new MagicString(code);
  applyEdits(main, [...(edits.get(undefined) ?? []), ...supers.homeEdits()]);
  // The helpers are left out of the skeleton: a patch that reads a new `super.name` stays a patch (and gets a slower helper).
  const skeleton = main.toString();
  applyEdits(main, supers.helperEdits());
  pieces.addSource({ filename: file, content: main });
  // Written out in the module's scope: measured 1.5x faster on the closure-heavy benchmark than the same
  // class compiled apart (`new Function`) and kept in a global cell, which is what a patch that brings a
  // new one gets, under the same name (installRefs in slot-table.ts).
  const allRefs = [...refCells.values()].flatMap((c) => [...c]);
  pieces.prepend(allRefs.length > 0 ? `${wrap.head}const ${allRefs.map((c) => `${c} = ${REF_CLASS}`).join(', ')}; ` : wrap.head).append(wrap.tail);
  const text = pieces.toString();
  const map = pieces.generateMap({ hires: true, includeContent: false }).toString();
  const plain = fns.filter((f) => !f.converted && f.reason !== GENERATED).map((f) => ({ path: f.path, line: lineOf(f.node.start), reason: f.reason ?? '' }));
  return { text, map, skeleton, slots, plain, homes: supers.cells(), refs: allRefs };
}

/**
 * Named classes evaluated once per module instance (singletonClasses) read
 * `super.name` through helpers: at the start of the class body, methods
 * `"<cell>"() { return super.name; }` (static ones for static methods), which
 * a static block, run before any other static element, moves from the class
 * into global cells (`__baton_home`, slot-table.ts). Being methods of the
 * class, they read `super` natively: the home is theirs, the receiver is the
 * body's `this`, and a later change of the prototype chain is seen. The same
 * block registers the class in a cell of its own (in the skeleton, so a class
 * a live update adds registers too), from which a patch makes a helper for a
 * name the class had none for (Reflect.get, exact but slower).
 */
function superHelpers(ast: acorn.Program, scope: string) {
  const classes = singletonClasses(ast);
  const homes = new Map<ClassNode, { readonly home: string; readonly inst: Map<string, SuperHelper>; readonly stat: Map<string, SuperHelper> }>();
  for (const [cls, name] of classes) homes.set(cls, { home: cellName(scope, `${name}<class>`, ''), inst: new Map(), stat: new Map() });
  const usedBy = new Map<FnInfo, Map<string, SuperHelper>>();
  const homeOf = (method: FnInfo | undefined) => (method?.cls && method.method?.type === 'MethodDefinition' ? homes.get(method.cls) : undefined);
  return {
    usedBy,
    serves: (method: FnInfo | undefined): boolean => homeOf(method) !== undefined,
    helper: (owner: FnInfo, method: FnInfo, key: string, kind: 'get' | 'call'): string | undefined => {
      const home = homeOf(method);
      if (!home) return undefined;
      const isStatic = method.method?.type === 'MethodDefinition' && method.method.static;
      const side = isStatic ? home.stat : home.inst;
      let h = side.get(`${kind} ${key}`);
      if (!h) side.set(`${kind} ${key}`, (h = { cell: cellName(scope, `${classes.get(method.cls!)}<super ${kind}>${isStatic ? 'static ' : ''}${key}`, ''), home: home.home, key, static: isStatic, kind }));
      let used = usedBy.get(owner);
      if (!used) usedBy.set(owner, (used = new Map()));
      used.set(h.cell, h);
      return h.cell;
    },
    homeEdits: (): Edit[] => [...homes].map(([cls, h]) => ({ kind: 'left', start: cls.body.start + 1, end: cls.body.start + 1, text: ` static { __baton_home(this, ${JSON.stringify(h.home)}); }` })),
    helperEdits: (): Edit[] => [...homes].flatMap(([cls, h]) => {
      if (h.inst.size === 0 && h.stat.size === 0) return [];
      const cells = (side: Map<string, SuperHelper>) => JSON.stringify([...side.values()].map((x) => x.cell));
      const methods = [...h.inst.values(), ...h.stat.values()].map((x) => `${x.static ? 'static ' : ''}${JSON.stringify(x.cell)}${x.kind === 'call' ? `(...a) { return super.${x.key}(...a); }` : `() { return super.${x.key}; }`}`);
      return [{ kind: 'left', start: cls.body.start + 1, end: cls.body.start + 1, text: ` static { __baton_home(this, null, ${cells(h.inst)}, ${cells(h.stat)}); } ${methods.join(' ')}` }];
    }),
    cells: (): string[] => [...homes.values()].flatMap((h) => [h.home, ...[...h.inst.values(), ...h.stat.values()].map((x) => x.cell)]),
  };
}


/**
 * An argument whose evaluation can neither throw nor run code: a literal,
 * `this` (a body runs after `super()`), or a parameter (initialized before
 * the body). Evaluating such arguments before the `super.name` lookup, as a
 * call helper does, is unobservable.
 */
function inertArgument(manager: ReturnType<typeof analyze>): (node: acorn.Node) => boolean {
  const resolved = new Map<number, Variable | null>();
  for (const s of manager.scopes) for (const r of s.references) resolved.set((r.identifier as unknown as acorn.Node).start, r.resolved);
  return (node) => {
    if (node.type === 'Literal' || node.type === 'ThisExpression') return true;
    if (node.type === 'TemplateLiteral') return (node as acorn.TemplateLiteral).expressions.length === 0;
    if (node.type !== 'Identifier') return false;
    return resolved.get(node.start)?.defs[0]?.type === 'Parameter';
  };
}

function lineIndex(code: string): (pos: number | acorn.Node) => number {
  const starts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) starts.push(i + 1);
  return (pos) => {
    const at = typeof pos === 'number' ? pos : pos.start;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

