import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { analyze, type Scope, type Variable } from 'eslint-scope';
import { KEYS } from 'eslint-visitor-keys';
import MagicString, { Bundle } from 'magic-string';
import { createHash } from 'node:crypto';
import type { Program as EstreeProgram, Node as EstreeNode } from 'estree';
import { BODY_NAME } from './stack-traces.js';

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

type Fn = acorn.FunctionDeclaration | acorn.FunctionExpression | acorn.ArrowFunctionExpression;
type ClassNode = acorn.ClassDeclaration | acorn.ClassExpression;

interface FnInfo {
  readonly node: Fn;
  readonly parent: acorn.Node | undefined;
  /** Nearest enclosing function (any kind). */
  readonly outer: FnInfo | undefined;
  /** Nearest enclosing non-arrow function, or this one if it is not an arrow. */
  readonly nonArrow: FnInfo | undefined;
  readonly path: string;
  /** Set for class and object methods, accessors and constructors. */
  readonly method?: acorn.MethodDefinition | acorn.Property;
  readonly cls?: ClassNode;
  converted: boolean;
  reason?: string;
  /**
   * A derived class constructor: `super(...)`, its first statement, stays in
   * the stub with the parameters; the rest is the body, which receives the
   * parameters' bound names.
   */
  split?: { readonly first?: acorn.ExpressionStatement; readonly names: readonly string[] };
  captures: Capture[];
  usesArguments: boolean;
  usesNewTarget: boolean;
  usesSuper: boolean;
  cell: string;
}

interface Capture {
  readonly name: string;
  readonly ref: boolean;
  readonly variable: Variable;
}

interface Edit {
  readonly kind: 'overwrite' | 'left' | 'right' | 'remove';
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export const SLOT_PREFIX = '__baton_s';

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

const GENERATED = 'generated by the compiler';

export const EXT = '__baton_ext';

/**
 * A module instance's scope cannot gain bindings after it was evaluated (a
 * strict eval declares nothing in it), so bindings a live update adds live on
 * the instance's `__baton_ext` object: their declarations become assignments
 * to it and every reference reads it. Only top-level declarations of plain
 * names can move there; anything else throws (the update then reloads).
 */
function externalEdits(
  ast: acorn.Program,
  moduleScope: Scope,
  external: ReadonlySet<string>,
  ownerAt: (pos: number, exclude?: FnInfo) => FnInfo | undefined,
  add: (owner: FnInfo | undefined, edit: Edit) => void,
): void {
  const declared = new Set<number>();
  for (const stmt of ast.body) {
    if (stmt.type === 'VariableDeclaration') {
      const names = stmt.declarations.map((d) => (d.id.type === 'Identifier' ? d.id.name : undefined));
      const moved = names.filter((n) => n !== undefined && external.has(n));
      if (moved.length === 0) continue;
      if (moved.length !== stmt.declarations.length) throw new Error(`a declaration mixes new and existing bindings: ${names.join(', ')}`);
      add(undefined, { kind: 'remove', start: stmt.start, end: stmt.declarations[0]!.start, text: '' });
      for (const d of stmt.declarations) {
        const id = d.id as acorn.Identifier;
        declared.add(id.start);
        add(undefined, { kind: 'overwrite', start: id.start, end: id.end, text: `${EXT}.${id.name}` });
        if (!d.init) add(undefined, { kind: 'left', start: id.end, end: id.end, text: ' = void 0' });
      }
    } else if ((stmt.type === 'FunctionDeclaration' || stmt.type === 'ClassDeclaration') && stmt.id && external.has(stmt.id.name)) {
      declared.add(stmt.id.start);
      // An async function's stub gets its kind where it is assigned (it is not hoisted any more).
      const async = stmt.type === 'FunctionDeclaration' && stmt.async && !stmt.generator;
      add(undefined, { kind: 'right', start: stmt.start, end: stmt.start, text: `${EXT}.${stmt.id.name} = ${async ? '__baton_async(' : ''}` });
      add(undefined, { kind: 'left', start: stmt.end, end: stmt.end, text: async ? ');' : ';' });
    }
  }
  const shorthand = new Set<number>();
  walk.simple(ast, {
    Property(node) {
      if (node.shorthand) shorthand.add(node.value.start);
    },
  });
  for (const v of moduleScope.variables) {
    if (!external.has(v.name)) continue;
    for (const def of v.defs) {
      if (!declared.has((def.name as unknown as acorn.Node).start)) throw new Error(`${v.name} is declared where a live update cannot move it`);
    }
    for (const ref of v.references) {
      const id = ref.identifier as unknown as acorn.Identifier;
      if (declared.has(id.start)) continue;
      add(ownerAt(id.start), { kind: 'overwrite', start: id.start, end: id.end, text: `${shorthand.has(id.start) ? `${id.name}: ` : ''}${EXT}.${id.name}` });
    }
  }
}

function applyEdits(ms: MagicString, edits: readonly Edit[]): void {
  for (const e of edits) {
    if (e.kind === 'overwrite') ms.overwrite(e.start, e.end, e.text);
    else if (e.kind === 'left') ms.appendLeft(e.start, e.text);
    else if (e.kind === 'remove') ms.remove(e.start, e.end);
    else ms.appendRight(e.start, e.text);
  }
}

// ---------------------------------------------------------------------------
// Functions and their identities

function collectFunctions(ast: acorn.Program): FnInfo[] {
  const out: FnInfo[] = [];
  const seen = new Map<string, number>();
  const visit = (node: acorn.Node, chain: acorn.Node[], outer: FnInfo | undefined): void => {
    let inner = outer;
    if (isFn(node)) {
      inner = describe(node, chain, outer, seen);
      out.push(inner);
    }
    chain.push(node);
    for (const child of children(node)) visit(child, chain, inner);
    chain.pop();
  };
  visit(ast, [], undefined);
  return out;
}

function describe(fn: Fn, chain: acorn.Node[], outer: FnInfo | undefined, seen: Map<string, number>): FnInfo {
  const parent = chain.at(-1);
  // Only the method's value is the method: a function in its computed key is an ordinary expression.
  const method = parent && (parent as { value?: unknown }).value === fn && (parent.type === 'MethodDefinition' || (parent.type === 'Property' && ((parent as acorn.Property).method || (parent as acorn.Property).kind !== 'init'))) ? (parent as acorn.MethodDefinition | acorn.Property) : undefined;
  const cls = method?.type === 'MethodDefinition' ? (chain.at(-3) as ClassNode | undefined) : undefined;
  const generated = isGenerated(chain);
  let path = generated ? '<generated>' : (outer ? `${outer.path}/` : '') + nameOf(fn, parent, cls, chain);
  if (!generated) {
    const n = (seen.get(path) ?? 0) + 1;
    seen.set(path, n);
    if (n > 1) path = `${path}#${n}`;
  }
  const info: FnInfo = {
    node: fn,
    parent,
    outer,
    nonArrow: undefined,
    path,
    ...(method ? { method } : {}),
    ...(cls ? { cls } : {}),
    converted: true,
    captures: [],
    usesArguments: false,
    usesNewTarget: false,
    usesSuper: false,
    cell: '',
  };
  (info as { nonArrow: FnInfo | undefined }).nonArrow = fn.type === 'ArrowFunctionExpression' ? outer?.nonArrow : info;
  if (generated) {
    info.converted = false;
    info.reason = GENERATED;
  }
  return info;
}

function isFn(node: acorn.Node): node is Fn {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/** esbuild's helpers and export getters, and baton's own accessors, are not the program's functions. */
function isGenerated(chain: acorn.Node[]): boolean {
  return chain.some(
    (a) =>
      (a.type === 'CallExpression' && (a as acorn.CallExpression).callee.type === 'Identifier' && ['__export', '__baton_bind'].includes(((a as acorn.CallExpression).callee as acorn.Identifier).name)) ||
      (a.type === 'VariableDeclarator' && (a as acorn.VariableDeclarator).id.type === 'Identifier' && ((a as acorn.VariableDeclarator).id as acorn.Identifier).name.startsWith('__')),
  );
}

function keyName(key: acorn.Expression | acorn.PrivateIdentifier, computed: boolean): string {
  if (computed) return '[computed]';
  if (key.type === 'Identifier') return key.name;
  if (key.type === 'PrivateIdentifier') return `#${key.name}`;
  if (key.type === 'Literal') return String(key.value);
  return '[computed]';
}

function nameOf(fn: Fn, parent: acorn.Node | undefined, cls: ClassNode | undefined, chain: acorn.Node[]): string {
  if (parent?.type === 'MethodDefinition' || parent?.type === 'Property' || parent?.type === 'PropertyDefinition') {
    const p = parent as acorn.MethodDefinition | acorn.Property | acorn.PropertyDefinition;
    const kind = p.type === 'MethodDefinition' && (p.kind === 'get' || p.kind === 'set') ? `${p.kind} ` : p.type === 'Property' && (p.kind === 'get' || p.kind === 'set') ? `${p.kind} ` : '';
    const stat = p.type !== 'Property' && p.static ? 'static ' : '';
    const owner = cls?.id?.name ?? enclosingClassName(chain);
    return `${owner ? `${owner}.` : ''}${stat}${kind}${keyName(p.key, p.computed)}`;
  }
  if ((fn.type === 'FunctionDeclaration' || fn.type === 'FunctionExpression') && fn.id) return fn.id.name;
  if (parent?.type === 'VariableDeclarator' && (parent as acorn.VariableDeclarator).id.type === 'Identifier') return ((parent as acorn.VariableDeclarator).id as acorn.Identifier).name;
  if (parent?.type === 'AssignmentExpression') {
    const left = (parent as acorn.AssignmentExpression).left;
    if (left.type === 'Identifier') return left.name;
    if (left.type === 'MemberExpression' && left.property.type === 'Identifier') return left.property.name;
  }
  if (parent?.type === 'CallExpression') {
    // `server.on('data', (chunk) => ...)`: named by the call and its first string argument.
    const call = parent as acorn.CallExpression;
    const callee = call.callee.type === 'MemberExpression' && call.callee.property.type === 'Identifier' ? call.callee.property.name : call.callee.type === 'Identifier' ? call.callee.name : 'call';
    const label = call.arguments[0]?.type === 'Literal' && typeof (call.arguments[0] as acorn.Literal).value === 'string' ? `(${String((call.arguments[0] as acorn.Literal).value)})` : '';
    return `${callee}${label}<${fn.type === 'ArrowFunctionExpression' ? 'arrow' : 'function'}>`;
  }
  return fn.type === 'ArrowFunctionExpression' ? '<arrow>' : '<function>';
}

function enclosingClassName(chain: acorn.Node[]): string | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const a = chain[i]!;
    if (isFn(a)) return undefined;
    if ((a.type === 'ClassDeclaration' || a.type === 'ClassExpression') && (a as ClassNode).id) return (a as ClassNode).id!.name;
  }
  return undefined;
}

function signature(f: FnInfo): string {
  const parts = f.captures.map((c) => `${c.ref ? '&' : ''}${c.name}`);
  if (f.usesArguments) parts.push('$arguments');
  if (f.usesNewTarget) parts.push('$newtarget');
  if (f.usesSuper) parts.push('$home');
  return parts.join(',');
}

function cellName(scope: string, path: string, sig: string): string {
  return SLOT_PREFIX + createHash('sha1').update(`${scope}\0${path}\0${sig}`).digest('hex').slice(0, 16);
}

// ---------------------------------------------------------------------------
// What a function uses, and whether the slot form can express it

interface OwnUses {
  arguments: boolean;
  newTarget: boolean;
  superRead: boolean;
  superWrite: boolean;
  superCall: boolean;
  superCalls: number;
}

/**
 * `arguments`, `new.target` and `super` a function's stub must supply: its
 * own, and those of arrows inside it (not of nested non-arrow functions,
 * which have their own).
 */
function ownUses(f: FnInfo): OwnUses {
  const uses: OwnUses = { arguments: false, newTarget: false, superRead: false, superWrite: false, superCall: false, superCalls: 0 };
  const visit = (node: acorn.Node, parent: acorn.Node | undefined): void => {
    if (node !== f.node && isFn(node) && node.type !== 'ArrowFunctionExpression') return;
    if (node !== f.node && (node.type === 'ClassDeclaration' || node.type === 'ClassExpression')) {
      // A class inside: its methods are non-arrow functions; only its heritage and computed keys are ours.
      const c = node as ClassNode;
      if (c.superClass) visit(c.superClass, c);
      for (const m of c.body.body) if ('computed' in m && m.computed && 'key' in m) visit(m.key, m);
      return;
    }
    if (node.type === 'Identifier' && (node as acorn.Identifier).name === 'arguments' && isReference(node, parent)) uses.arguments = true;
    if (node.type === 'MetaProperty' && (node as acorn.MetaProperty).meta.name === 'new') uses.newTarget = true;
    if (node.type === 'Super') {
      if (parent?.type === 'CallExpression') {
        uses.superCall = true;
        uses.superCalls++;
      }
      else uses.superRead = true;
    }
    if ((node.type === 'AssignmentExpression' || node.type === 'UpdateExpression') && isSuperMember(node.type === 'AssignmentExpression' ? (node as acorn.AssignmentExpression).left : (node as acorn.UpdateExpression).argument)) uses.superWrite = true;
    for (const child of children(node)) visit(child, node);
  };
  visit(f.node, f.parent);
  return uses;
}

function isSuperMember(node: acorn.Node): boolean {
  return node.type === 'MemberExpression' && (node as acorn.MemberExpression).object.type === 'Super';
}

function children(node: acorn.Node): acorn.Node[] {
  const keys = (KEYS as Record<string, readonly string[] | undefined>)[node.type] ?? [];
  const out: acorn.Node[] = [];
  for (const k of keys) {
    const v = (node as unknown as Record<string, unknown>)[k];
    if (Array.isArray(v)) for (const c of v) c && typeof c === 'object' && 'type' in c && out.push(c as acorn.Node);
    else if (v && typeof v === 'object' && 'type' in v) out.push(v as acorn.Node);
  }
  return out;
}

/** An identifier in an expression position (not a property name or a label). */
function isReference(node: acorn.Node, parent: acorn.Node | undefined): boolean {
  if (!parent) return true;
  if (parent.type === 'MemberExpression') return (parent as acorn.MemberExpression).object === node || (parent as acorn.MemberExpression).computed;
  if (parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') {
    const p = parent as acorn.Property;
    return p.computed ? p.key === node : p.key !== node || (parent.type === 'Property' && p.shorthand);
  }
  if (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement') return false;
  return true;
}

function plainReason(f: FnInfo, own: OwnUses, manager: ReturnType<typeof analyze>, moduleScope: Scope | undefined): string | undefined {
  if (f.reason) return f.reason;
  const node = f.node;
  if (f.method?.type === 'MethodDefinition' && f.method.kind === 'constructor' && f.cls?.superClass) {
    const split = splitConstructor(f, own, manager, moduleScope);
    if (typeof split === 'string') return split;
    f.split = split;
  } else if (own.superCall) {
    return 'calls super()';
  }
  if (own.superWrite) return 'assigns to a super property';
  if (node.type === 'ArrowFunctionExpression') {
    if ((own.arguments || own.newTarget || own.superRead) && !f.nonArrow?.converted) return 'an arrow using arguments, new.target or super outside a function the slot form converts';
  } else if (own.superRead && !homeOf(f)) {
    return 'uses super outside a method of a named class';
  }
  if (f.method && f.method.computed && node.async && !node.generator) return 'an async method with a computed name';
  return undefined;
}

/**
 * A derived constructor can be split when its first statement is its only
 * `super(...)` call and that call and the parameters read nothing but the
 * parameters, module bindings and globals (they stay in the stub, in place).
 */
function splitConstructor(f: FnInfo, own: OwnUses, manager: ReturnType<typeof analyze>, moduleScope: Scope | undefined): NonNullable<FnInfo['split']> | string {
  const body = f.node.body as acorn.BlockStatement;
  const first = body.body[0];
  const isSuperCall = first?.type === 'ExpressionStatement' && first.expression.type === 'CallExpression' && first.expression.callee.type === 'Super';
  if (!isSuperCall || own.superCalls !== 1) return 'a derived class constructor whose first statement is not its only super() call';
  const scope = manager.acquire(f.node as unknown as EstreeNode, true);
  const inStub = (pos: number) => pos < first.end;
  for (const ref of scope?.through ?? []) {
    const at = (ref.identifier as unknown as acorn.Node).start;
    if (!inStub(at)) continue;
    const v = ref.resolved;
    if (v && v.scope !== moduleScope && v.scope.type !== 'global') return `a derived class constructor whose super() call reads ${v.name} from an enclosing function`;
  }
  let special = false;
  walk.full(first, (n) => {
    if ((n.type === 'Identifier' && (n as acorn.Identifier).name === 'arguments') || n.type === 'MetaProperty' || (n.type === 'MemberExpression' && (n as acorn.MemberExpression).object.type === 'Super')) special = true;
  });
  for (const p of f.node.params) walk.full(p, (n) => (special ||= n.type === 'MetaProperty' || (n.type === 'Identifier' && (n as acorn.Identifier).name === 'arguments')));
  if (special) return 'a derived class constructor whose super() call uses arguments, new.target or super';
  return { first, names: f.node.params.flatMap((p) => boundNames(p)) };
}

/**
 * A generator whose parameters have defaults or patterns keeps them in its
 * stub, so they are evaluated (and throw) at the call, as they would be, not
 * on the first `next()`. Possible when they read only their own parameters,
 * module bindings and globals, and hold no function.
 */
function splitGenerator(f: FnInfo, manager: ReturnType<typeof analyze>, moduleScope: Scope | undefined, external: ReadonlySet<string>): string | undefined {
  const params = f.node.params;
  const start = params[0]!.start;
  const end = params[params.length - 1]!.end;
  let special = false;
  for (const p of params) {
    walk.full(p, (n) => {
      special ||= isFn(n) || n.type === 'MetaProperty' || n.type === 'Super' || n.type === 'ClassExpression' || (n.type === 'Identifier' && (n as acorn.Identifier).name === 'arguments');
    });
  }
  if (special) return 'a generator whose parameters hold a function, a class, arguments, new.target or super';
  const scope = manager.acquire(f.node as unknown as EstreeNode, true);
  for (const ref of scope?.through ?? []) {
    const at = (ref.identifier as unknown as acorn.Node).start;
    if (at < start || at >= end) continue;
    const v = ref.resolved;
    if (v && v.scope !== moduleScope && v.scope.type !== 'global') return `a generator whose parameters read ${v.name} from an enclosing function`;
    if (v && external.has(v.name)) return `a generator whose parameters read ${v.name}, added by a live update`;
  }
  f.split = { names: params.flatMap((p) => boundNames(p)) };
  return undefined;
}

function boundNames(p: acorn.Pattern): string[] {
  switch (p.type) {
    case 'Identifier':
      return [p.name];
    case 'AssignmentPattern':
      return boundNames(p.left);
    case 'RestElement':
      return boundNames(p.argument);
    case 'ArrayPattern':
      return p.elements.flatMap((e) => (e ? boundNames(e) : []));
    case 'ObjectPattern':
      return p.properties.flatMap((q) => (q.type === 'RestElement' ? boundNames(q.argument) : boundNames(q.value)));
    default:
      return [];
  }
}

function homeOf(f: FnInfo): string | undefined {
  if (f.method?.type !== 'MethodDefinition' || !f.cls?.id) return undefined;
  return f.method.static ? f.cls.id.name : `${f.cls.id.name}.prototype`;
}

/** Variables from enclosing functions and blocks (not module bindings, not globals) the function or its closures use. */
function capturesOf(f: FnInfo, manager: ReturnType<typeof analyze>, moduleScope: Scope | undefined): Capture[] {
  const scope = manager.acquire(f.node as unknown as EstreeNode, true);
  if (!scope) return [];
  const found = new Map<Variable, Capture>();
  for (const ref of scope.through) {
    const v = ref.resolved;
    if (!v || v.scope === moduleScope || v.scope.type === 'global' || found.has(v)) continue;
    // A function's implicit `arguments` travels as `$arguments` (see ownUses).
    if (v.name === 'arguments' && v.defs.length === 0) continue;
    found.set(v, { name: v.name, ref: needsAccessor(v, f), variable: v });
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A capture is passed through an accessor object when a value copy could
 * differ from the variable: it is reassigned, or it is a `let`/`const`/class
 * declared after the closure (still in its TDZ when the closure may run).
 */
function needsAccessor(v: Variable, f: FnInfo): boolean {
  if (v.scope.type === 'function-expression-name') return false;
  if (v.references.some((r) => r.isWrite() && !r.init)) return true;
  const def = v.defs[0];
  if (!def) return false;
  const lexical = (def.type === 'Variable' && (def.parent as { kind?: string } | null)?.kind !== 'var') || def.type === 'ClassName';
  return lexical && (def.name as unknown as acorn.Node).start > f.node.start;
}

/** Where a variable's accessor object goes: the start of its scope's block; undefined when there is none usable. */
function refInsertion(v: Variable, closure: FnInfo | undefined): number | undefined {
  const block = v.scope.block as unknown as acorn.Node;
  let at: number | undefined;
  switch (v.scope.type) {
    case 'function': {
      const fn = block as Fn;
      if (fn.body.type !== 'BlockStatement') return undefined;
      // A closure in a default parameter runs before the body's first statement.
      if (closure && fn.params.some((p) => p.start <= closure.node.start && closure.node.end <= p.end)) return undefined;
      at = fn.body.start + 1;
      // A derived constructor's body starts after its super() call (see splitConstructor).
      const first = fn.body.body[0];
      const ctor = first?.type === 'ExpressionStatement' && first.expression.type === 'CallExpression' && first.expression.callee.type === 'Super';
      if (ctor) {
        if (closure && closure.node.start < first.end) return undefined;
        at = first.end;
      }
      break;
    }
    case 'block':
      at = block.type === 'BlockStatement' ? block.start + 1 : undefined;
      break;
    case 'for': {
      const loop = block as acorn.ForStatement | acorn.ForInStatement | acorn.ForOfStatement;
      if (loop.body.type !== 'BlockStatement') return undefined;
      if (closure && closure.node.start < loop.body.start) return undefined;
      at = loop.body.start + 1;
      break;
    }
    case 'catch':
      at = (block as acorn.CatchClause).body.start + 1;
      break;
    default:
      return undefined;
  }
  return at;
}

function findDirectEval(ast: acorn.Program, globalScope: Scope): acorn.Node | undefined {
  let found: acorn.Node | undefined;
  walk.simple(ast, {
    CallExpression(node) {
      if (!found && node.callee.type === 'Identifier' && node.callee.name === 'eval') found = node;
    },
  });
  if (!found) return undefined;
  // `eval` resolved to a local binding is an ordinary call.
  const ref = [...globalScope.through].find((r) => (r.identifier as unknown as acorn.Node).start === (found as acorn.CallExpression).callee.start);
  return ref ? found : undefined;
}

// ---------------------------------------------------------------------------
// Stubs and bodies

function openParen(f: Fn, code: string): number {
  const from = f.type !== 'ArrowFunctionExpression' && f.id ? f.id.end : f.start;
  return code.indexOf('(', from);
}

function arrowToken(f: acorn.ArrowFunctionExpression, code: string): number {
  const from = f.params.length > 0 ? f.params[f.params.length - 1]!.end : f.start;
  return code.indexOf('=>', from);
}

/** Parameter count up to the first default or rest (what `.length` reports), count without rest, and rest. */
function arity(f: Fn): { length: number; count: number; rest: boolean } {
  let length = f.params.length;
  const rest = f.params.some((p) => p.type === 'RestElement');
  const count = f.params.filter((p) => p.type !== 'RestElement').length;
  const firstDefault = f.params.findIndex((p) => p.type === 'AssignmentPattern' || p.type === 'RestElement');
  if (firstDefault >= 0) length = firstDefault;
  return { length, count, rest };
}

function stubArguments(f: FnInfo, names?: readonly string[]): { params: string; args: string } {
  const { length, count, rest } = arity(f.node);
  const params: string[] = [];
  const forwarded: string[] = names ? [...names] : [];
  for (let i = 0; i < count && !names; i++) {
    params.push(i < length ? `__p${i}` : `__p${i} = void 0`);
    forwarded.push(`__p${i}`);
  }
  if (rest && !names) {
    params.push('...__r');
    forwarded.push('...__r');
  }
  const arrow = f.node.type === 'ArrowFunctionExpression';
  const passed = f.captures.map((c) => (c.ref ? `$r_${c.name}` : c.name));
  if (f.usesArguments) passed.push(arrow ? '$arguments' : 'arguments');
  if (f.usesNewTarget) passed.push(arrow ? '$newtarget' : 'new.target');
  if (f.usesSuper) passed.push(arrow ? '$home' : homeOf(f)!);
  return { params: params.join(', '), args: ['this', ...passed, ...forwarded].join(', ') };
}

function stubEdits(f: FnInfo, code: string, external: ReadonlySet<string>): Edit[] {
  const node = f.node;
  const { params, args } = stubArguments(f);
  const call = `${f.cell}.call(${args})`;
  const async = node.async && !node.generator;
  const ret = node.generator ? `return yield* ${call};` : `return ${call};`;
  if (f.split?.first) {
    // `constructor(params) { super(args); return <body>.call(this, ..., names) }`: parameters and super() stay here.
    const passed = stubArguments(f, f.split.names).args;
    const head = code.slice(node.start, (node.body as acorn.BlockStatement).start);
    return [{ kind: 'overwrite', start: node.start, end: node.end, text: `${head}{ ${code.slice(f.split.first.start, f.split.first.end)} return ${f.cell}.call(${passed}); }` }];
  }
  if (f.split) {
    // A generator: `function* g(params) { return yield* <body>.call(this, ..., names) }`, parameters evaluated at the call.
    const passed = stubArguments(f, f.split.names).args;
    const params = code.slice(node.params[0]!.start, node.params[node.params.length - 1]!.end);
    const inner = `(${params}) { return yield* ${f.cell}.call(${passed}); }`;
    if (f.method) return [{ kind: 'overwrite', start: node.start, end: node.end, text: inner }];
    const name = node.type !== 'ArrowFunctionExpression' && node.id ? ` ${node.id.name}` : '';
    return [{ kind: 'overwrite', start: node.start, end: node.end, text: `${node.async ? 'async function*' : 'function*'}${name}${inner}` }];
  }
  if (f.method) {
    const edits: Edit[] = [{ kind: 'overwrite', start: node.start, end: node.end, text: `(${params}) { ${ret} }` }];
    if (async) {
      // `static async m()`: the stub is a plain method; its kind is restored on the class.
      const head = code.slice(f.method.start, f.method.key.start);
      edits.push({ kind: 'overwrite', start: f.method.start, end: f.method.key.start, text: head.replace(/\basync\s*/, '') || ' ' });
      if (f.cls) {
        const key = JSON.stringify(keyName(f.method.key, false));
        const target = f.method.type === 'MethodDefinition' && f.method.static ? 'this' : 'this.prototype';
        edits.push({ kind: 'left', start: f.cls.body.end - 1, end: f.cls.body.end - 1, text: ` static { __baton_async(${target}[${key}]); }` });
      }
    }
    return edits;
  }
  if (node.type === 'ArrowFunctionExpression') {
    const stub = `(${params}) => ${call}`;
    return [{ kind: 'overwrite', start: node.start, end: node.end, text: async ? `__baton_async(${stub})` : stub }];
  }
  const name = node.id ? ` ${node.id.name}` : '';
  const text = `${node.generator ? (node.async ? 'async function*' : 'function*') : 'function'}${name}(${params}) { ${ret} }`;
  if (!async || (f.parent?.type === 'Program' && node.id && external.has(node.id.name))) return [{ kind: 'overwrite', start: node.start, end: node.end, text }];
  if (node.type === 'FunctionExpression') return [{ kind: 'overwrite', start: node.start, end: node.end, text: `__baton_async(${text})` }];
  // A hoisted declaration: its kind is set where its block starts, before anything can call it.
  const edits: Edit[] = [{ kind: 'overwrite', start: node.start, end: node.end, text }];
  const parent = f.parent;
  const at = parent?.type === 'BlockStatement' ? parent.start + 1 : parent?.type === 'StaticBlock' ? code.indexOf('{', parent.start) + 1 : parent?.type === 'Program' ? 0 : node.end;
  edits.push({ kind: 'right', start: at, end: at, text: ` __baton_async(${node.id!.name});` });
  return edits;
}

/** Turns the function's own text (in its own piece) into the body: a plain function taking captures first. */
function bodyHead(ms: MagicString, f: FnInfo, code: string): void {
  const node = f.node;
  const prefix = f.captures.map((c) => (c.ref ? `$r_${c.name}` : c.name));
  if (f.usesArguments) prefix.push('$arguments');
  if (f.usesNewTarget) prefix.push('$newtarget');
  if (f.usesSuper) prefix.push('$home');
  const kind = `${node.async ? 'async ' : ''}function${node.generator ? '*' : ''}`;
  if (f.split?.first) {
    ms.overwrite(node.start, f.split.first.end, `${kind} ${BODY_NAME}(${[...prefix, ...f.split.names].join(', ')}) {`);
    return;
  }
  if (f.split) {
    // The parameters stay in the stub; the body takes their bound names.
    ms.overwrite(node.start, node.body.start + 1, `${kind} ${BODY_NAME}(${[...prefix, ...f.split.names].join(', ')}) {`);
    ms.prependRight(node.body.start + 1, ' __k.n++; try {');
    ms.appendLeft(node.body.end - 1, '} finally { __k.n--; } ');
    return;
  }
  const lead = prefix.join(', ') + (prefix.length > 0 && node.params.length > 0 ? ', ' : '');
  const suspendable = node.async || node.generator;
  if (node.type === 'ArrowFunctionExpression' && node.params.length > 0 && code[skipAsync(node, code)] !== '(') {
    const param = node.params[0]!;
    ms.overwrite(node.start, param.start, `${kind} ${BODY_NAME}(${lead}`);
    ms.appendLeft(param.end, ')');
  } else {
    const paren = openParen(node, code);
    ms.overwrite(node.start, paren + 1, `${kind} ${BODY_NAME}(${lead}`);
  }
  if (node.type === 'ArrowFunctionExpression') {
    const arrow = arrowToken(node, code);
    if (node.body.type === 'BlockStatement') {
      ms.overwrite(arrow, arrow + 2, ' ');
    } else {
      ms.overwrite(arrow, arrow + 2, suspendable ? '{ __k.n++; try { return (' : '{ return (');
      ms.appendLeft(node.end, suspendable ? '); } finally { __k.n--; } }' : '); }');
      return;
    }
  }
  if (suspendable) {
    // Before the accessor objects inserted at the same place: they must see the body's declarations.
    ms.prependRight(node.body.start + 1, ' __k.n++; try {');
    ms.appendLeft(node.body.end - 1, '} finally { __k.n--; } ');
  }
}

function skipAsync(node: acorn.ArrowFunctionExpression, code: string): number {
  let at = node.start;
  if (node.async) at += 5;
  while (/\s/.test(code[at] ?? '')) at++;
  return at;
}

/**
 * Inside each converted function's own text: reassigned captures read through
 * their accessor, and `arguments`, `new.target` and `super` through what the
 * stub passed.
 */
function rewriteReferences(
  ast: acorn.Program,
  byNode: Map<acorn.Node, FnInfo>,
  converted: readonly FnInfo[],
  ownerAt: (pos: number, exclude?: FnInfo) => FnInfo | undefined,
  add: (owner: FnInfo | undefined, edit: Edit) => void,
  code: string,
): void {
  const refByOwner = new Map<FnInfo, Map<string, Capture>>();
  for (const f of converted) refByOwner.set(f, new Map(f.captures.filter((c) => c.ref).map((c) => [c.name, c])));
  const refStarts = new Map<Variable, Set<number>>();
  const startsOf = (v: Variable) => {
    let found = refStarts.get(v);
    if (!found) refStarts.set(v, (found = new Set(v.references.map((r) => (r.identifier as unknown as acorn.Node).start))));
    return found;
  };
  walk.fullAncestor(ast, (node, _state, ancestors) => {
    const parent = ancestors.at(-2);
    const owner = ownerAt(node.start);
    if (!owner) return;
    // Positions in a converted function's stub range belong to the stub, except its own text.
    if (node.type === 'Identifier') {
      const id = node as acorn.Identifier;
      if (!isReference(node, parent)) return;
      if (id.name === 'arguments') {
        const nonArrow = nearestNonArrow(ancestors, byNode);
        if (nonArrow?.converted) add(owner, { kind: 'overwrite', start: id.start, end: id.end, text: '$arguments' });
        return;
      }
      const capture = refByOwner.get(owner)?.get(id.name);
      if (!capture) return;
      // Only references that resolve to the captured variable itself.
      if (!startsOf(capture.variable).has(id.start)) return;
      const shorthand = parent?.type === 'Property' && (parent as acorn.Property).shorthand;
      add(owner, { kind: 'overwrite', start: id.start, end: id.end, text: shorthand ? `${id.name}: $r_${id.name}.v` : `$r_${id.name}.v` });
      return;
    }
    if (node.type === 'MetaProperty' && (node as acorn.MetaProperty).meta.name === 'new') {
      if (nearestNonArrow(ancestors, byNode)?.converted) add(owner, { kind: 'overwrite', start: node.start, end: node.end, text: '(0, $newtarget)' });
      return;
    }
    if (node.type === 'MemberExpression' && (node as acorn.MemberExpression).object.type === 'Super') {
      if (!nearestNonArrow(ancestors, byNode)?.converted) return;
      const m = node as acorn.MemberExpression;
      const key = m.computed ? code.slice(m.property.start, m.property.end) : JSON.stringify((m.property as acorn.Identifier).name);
      const read = `Reflect.get(Object.getPrototypeOf($home), ${key}, this)`;
      const call = parent?.type === 'CallExpression' && (parent as acorn.CallExpression).callee === node;
      if (call) {
        // super.m(args) calls with the current `this`. The method is read from the parent prototype
        // directly (Reflect.get with a receiver is a runtime call, 20x slower); only a getter that
        // returns the method would see the prototype instead of `this` as its receiver.
        add(owner, { kind: 'overwrite', start: m.start, end: m.end, text: `Object.getPrototypeOf($home)[${key}].call` });
        const c = parent as acorn.CallExpression;
        const open = code.indexOf('(', m.end);
        add(owner, { kind: 'left', start: open + 1, end: open + 1, text: c.arguments.length > 0 ? 'this, ' : 'this' });
      } else if (m.computed) {
        add(owner, { kind: 'overwrite', start: m.start, end: m.property.start, text: 'Reflect.get(Object.getPrototypeOf($home), ' });
        add(owner, { kind: 'overwrite', start: m.property.end, end: m.end, text: ', this)' });
      } else {
        add(owner, { kind: 'overwrite', start: m.start, end: m.end, text: read });
      }
    }
  });
}

function nearestNonArrow(ancestors: acorn.Node[], byNode: Map<acorn.Node, FnInfo>): FnInfo | undefined {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    if (isFn(a) && a.type !== 'ArrowFunctionExpression') return byNode.get(a);
  }
  return undefined;
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
