import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import type { Scope, Variable } from 'eslint-scope';
import type MagicString from 'magic-string';
import { homeOf, isFn, isReference, keyName, type Capture, type Fn, type FnInfo } from './slot-analysis.js';
import { capturedParams } from './slot-captures.js';
import { BODY_NAME } from './stack-traces.js';

/**
 * The edits that make the slot form: stubs in place of functions, bodies
 * with captures as leading parameters, references rewritten to what the
 * stub passes, and bindings a live update added moved to `__baton_ext`.
 */

export interface Edit {
  readonly kind: 'overwrite' | 'left' | 'right' | 'remove';
  readonly start: number;
  readonly end: number;
  readonly text: string;
}


export const EXT = '__baton_ext';

/**
 * A module instance's scope cannot gain bindings after it was evaluated (a
 * strict eval declares nothing in it), so bindings a live update adds live on
 * the instance's `__baton_ext` object: their declarations become assignments
 * to it and every reference reads it. Only top-level declarations of plain
 * names can move there; anything else throws (the update then reloads).
 */
export function externalEdits(
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

export function applyEdits(ms: MagicString, edits: readonly Edit[]): void {
  for (const e of edits) {
    if (e.kind === 'overwrite') ms.overwrite(e.start, e.end, e.text);
    else if (e.kind === 'left') ms.appendLeft(e.start, e.text);
    else if (e.kind === 'remove') ms.remove(e.start, e.end);
    else ms.appendRight(e.start, e.text);
  }
}

// ---------------------------------------------------------------------------
// Stubs and bodies

export function openParen(f: Fn, code: string): number {
  const from = f.type !== 'ArrowFunctionExpression' && f.id ? f.id.end : f.start;
  return code.indexOf('(', from);
}

export function arrowToken(f: acorn.ArrowFunctionExpression, code: string): number {
  const from = f.params.length > 0 ? f.params[f.params.length - 1]!.end : f.start;
  return code.indexOf('=>', from);
}

/** Parameter count up to the first default or rest (what `.length` reports), count without rest, and rest. */
export function arity(f: Fn): { length: number; count: number; rest: boolean } {
  let length = f.params.length;
  const rest = f.params.some((p) => p.type === 'RestElement');
  const count = f.params.filter((p) => p.type !== 'RestElement').length;
  const firstDefault = f.params.findIndex((p) => p.type === 'AssignmentPattern' || p.type === 'RestElement');
  if (firstDefault >= 0) length = firstDefault;
  return { length, count, rest };
}

export function stubArguments(f: FnInfo, names?: readonly string[]): { params: string; args: string } {
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
  const passed = capturedParams(f);
  if (f.usesArguments) passed.push(arrow ? '$arguments' : 'arguments');
  if (f.usesNewTarget) passed.push(arrow ? '$newtarget' : 'new.target');
  if (f.usesSuper) passed.push(arrow ? '$home' : homeOf(f)!);
  return { params: params.join(', '), args: [...(f.usesThis ? ['this'] : []), ...passed, ...forwarded].join(', ') };
}

export function stubEdits(f: FnInfo, code: string, external: ReadonlySet<string>): Edit[] {
  const node = f.node;
  const { params, args } = stubArguments(f);
  const call = f.usesThis ? `${f.cell}.call(${args})` : `${f.cell}(${args})`;
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
export function bodyHead(ms: MagicString, f: FnInfo, code: string): void {
  const node = f.node;
  const prefix = capturedParams(f);
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

export function skipAsync(node: acorn.ArrowFunctionExpression, code: string): number {
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
export function rewriteReferences(
  ast: acorn.Program,
  byNode: Map<acorn.Node, FnInfo>,
  converted: readonly FnInfo[],
  ownerAt: (pos: number, exclude?: FnInfo) => FnInfo | undefined,
  add: (owner: FnInfo | undefined, edit: Edit) => void,
  code: string,
  superHelper: (owner: FnInfo, method: FnInfo, key: string, kind: 'get' | 'call') => string | undefined,
  isInert: (node: acorn.Node) => boolean,
  boxedAt: ReadonlyMap<number, string>,
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
    // Outside converted functions only a boxed variable's uses change (one a plain function declares).
    if (!owner && !(node.type === 'Identifier' && boxedAt.has(node.start))) return;
    // Positions in a converted function's stub range belong to the stub, except its own text.
    if (node.type === 'Identifier') {
      const id = node as acorn.Identifier;
      if (!isReference(node, parent)) return;
      if (id.name === 'arguments') {
        const nonArrow = nearestNonArrow(ancestors, byNode);
        if (nonArrow?.converted) add(owner, { kind: 'overwrite', start: id.start, end: id.end, text: '$arguments' });
        return;
      }
      // A boxed variable's every use reads its box (slot-boxes.ts), wherever it is.
      const capture = owner && refByOwner.get(owner)?.get(id.name);
      // Only references that resolve to the captured variable itself.
      const boxed = boxedAt.get(id.start);
      if (!boxed && !(capture && startsOf(capture.variable).has(id.start))) return;
      const read = boxed ?? `$r_${id.name}.v`;
      const shorthand = parent?.type === 'Property' && (parent as acorn.Property).shorthand;
      add(owner, { kind: 'overwrite', start: id.start, end: id.end, text: shorthand ? `${id.name}: ${read}` : read });
      return;
    }
    if (!owner) return;
    if (node.type === 'MetaProperty' && (node as acorn.MetaProperty).meta.name === 'new') {
      if (nearestNonArrow(ancestors, byNode)?.converted) add(owner, { kind: 'overwrite', start: node.start, end: node.end, text: '(0, $newtarget)' });
      return;
    }
    if (node.type === 'MemberExpression' && (node as acorn.MemberExpression).object.type === 'Super') {
      const method = nearestNonArrow(ancestors, byNode);
      if (!method?.converted) return;
      const m = node as acorn.MemberExpression;
      const call = parent?.type === 'CallExpression' && (parent as acorn.CallExpression).callee === node;
      // `super.name(args)` is called by a helper when evaluating the arguments first is unobservable (a
      // call helper runs at native speed; V8 folds no `super.name` read into a constant, so a called value is slower).
      const direct = call && (parent as acorn.CallExpression).arguments.every((a) => isInert(a as acorn.Node));
      const helper = m.computed ? undefined : superHelper(owner, method, (m.property as acorn.Identifier).name, direct ? 'call' : 'get');
      if (helper) {
        // A method of the class itself reads `super.name` natively (see superHelpers in slots.ts).
        add(owner, { kind: 'overwrite', start: m.start, end: m.end, text: direct ? `${helper}.call` : call ? `${helper}.call(this).call` : `${helper}.call(this)` });
        if (call) {
          const open = code.indexOf('(', m.end);
          add(owner, { kind: 'left', start: open + 1, end: open + 1, text: (parent as acorn.CallExpression).arguments.length > 0 ? 'this, ' : 'this' });
        }
        return;
      }
      const key = m.computed ? code.slice(m.property.start, m.property.end) : JSON.stringify((m.property as acorn.Identifier).name);
      const read = `Reflect.get(Object.getPrototypeOf($home), ${key}, this)`;
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

export function nearestNonArrow(ancestors: acorn.Node[], byNode: Map<acorn.Node, FnInfo>): FnInfo | undefined {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    if (isFn(a) && a.type !== 'ArrowFunctionExpression') return byNode.get(a);
  }
  return undefined;
}

