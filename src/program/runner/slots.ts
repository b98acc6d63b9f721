import * as acorn from 'acorn';
import { analyze, type Variable } from 'eslint-scope';
import { KEYS } from 'eslint-visitor-keys';
import MagicString, { Bundle } from 'magic-string';
import type { Program as EstreeProgram } from 'estree';
import { capturesOf, cellName, collectFunctions, findDirectEval, GENERATED, ownUses, plainReason, refInsertion, signature, splitGenerator, type FnInfo } from './slot-analysis.js';
import { applyEdits, bodyHead, externalEdits, rewriteReferences, stubEdits, type Edit } from './slot-emit.js';

/**
 * The slot form (Ginseng's function indirection, extended to closures).
 *
 * Every app function becomes a *stub* in place, with the same name, length
 * and kind, whose only work is to call the current *body* held in a global
 * property cell (the slot). Bodies are defined once, at the top of the module
 * wrapper, where they see the module's bindings; a patch evaluates a new body
 * in that same scope and replaces the cell. Variables a closure captures from
 * enclosing functions are passed by the stub on every call: by value when
 * they are never reassigned, through a small accessor object (`$r_x.v`) when
 * they are, so a body compiled later reaches exactly the variables the old
 * one did.
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
  /** Variables the stub passes, in order (for reports). */
  readonly captures: readonly string[];
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
    return { text: ms.toString(), map: ms.generateMap({ source: file, hires: true }).toString(), skeleton: code, slots: [], plain: [], unslottable: { construct: 'direct eval', line: lineOf(direct) } };
  }

  const fns = collectFunctions(ast);
  const byNode = new Map(fns.map((f) => [f.node as acorn.Node, f]));
  const refVars = new Set<Variable>();

  // Decide in pre-order: an arrow's `arguments`, `new.target` and `super`
  // come from its nearest non-arrow function, decided before it.
  for (const f of fns) {
    const own = ownUses(f);
    f.usesArguments = own.arguments;
    f.usesNewTarget = own.newTarget;
    f.usesSuper = own.superRead;
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
  for (const v of refVars) {
    const at = refInsertion(v, undefined)!;
    const decl = v.defs[0]?.parent as acorn.VariableDeclaration | undefined;
    const constant = decl?.type === 'VariableDeclaration' && decl.kind === 'const';
    // A Ref (slot-table.ts) has one shape and its accessor on the prototype: cheap to make, inlined when read.
    const setter = constant ? '' : `, (__v) => { ${v.name} = __v; }`;
    add(ownerAt(at), { kind: 'right', start: at, end: at, text: ` const $r_${v.name} = new __baton_ref(() => ${v.name}${setter});` });
  }
  // Module bindings a live update added: declared and read as properties of `__baton_ext`.
  if (external.size > 0 && moduleScope) externalEdits(ast, moduleScope, external, ownerAt, add);
  // Rewrites inside bodies: reassigned captures, arguments, new.target, super.
  rewriteReferences(ast, byNode, converted, ownerAt, add, code);

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
    slots.push({ path: f.path, cell: f.cell, source, suspendable, captures: f.captures.map((c) => c.name) });
    pieces.addSource({ filename: file, content: ms.prepend(`__baton_slot(${JSON.stringify(f.cell)}, `).append(');') });
  }
  const main = new MagicString(code);
  applyEdits(main, edits.get(undefined) ?? []);
  const skeleton = main.toString();
  pieces.addSource({ filename: file, content: main });
  pieces.prepend(wrap.head).append(wrap.tail);
  const text = pieces.toString();
  const map = pieces.generateMap({ hires: true, includeContent: false }).toString();
  const plain = fns.filter((f) => !f.converted && f.reason !== GENERATED).map((f) => ({ path: f.path, line: lineOf(f.node.start), reason: f.reason ?? '' }));
  return { text, map, skeleton, slots, plain };
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

