import * as acorn from 'acorn';

/**
 * A skeleton's top-level statements as plain data: what the live plan
 * (live-plan.ts) and the class comparison (class-change.ts) read, with
 * nothing of acorn's tree left in it. Plain data so that a program can have
 * it computed on its compile thread and sent back (structured clone): the
 * parse is the costly part, and on the program's thread a first update ran
 * it cold (tens of ms of acorn for a 6-line module at load 5; see
 * ARCHITECTURE.md, "The pause of a first update"). `baton diff` computes it
 * in-process.
 */
export interface OutlineStatement {
  /** What matches it across versions: what it declares, or its text. */
  readonly key: string;
  readonly text: string;
  readonly names: readonly string[];
  readonly kind: 'declaration' | 'class' | 'function' | 'export' | 'statement';
  /** An `__export(...)` call: each export name with its entry's text. */
  readonly exports?: ReadonlyMap<string, string>;
  /** A declaration of one name with an initializer. */
  readonly init?: InitOutline;
  /** A class declaration, or a declaration whose initializer is a class expression (esbuild's form for classes with statics). */
  readonly cls?: ClassOutline;
  /**
   * Whether evaluating the statement may run code of the program's: a call,
   * a `new`, a getter, a conversion of an object to a string or number, a
   * computed key, a static initializer or block (other than the slot form's
   * own). A commit that evaluates only declarations without it needs no
   * watchdog (one costs a thread start and join: watchdog.ts).
   */
  readonly evaluates: boolean;
}

export interface InitOutline {
  readonly text: string;
  /** The initializer is this identifier alone (esbuild's `let Store = _Store`). */
  readonly identifier?: string;
  /**
   * A pure constant expression (literals, object and array literals of
   * constants, other pure bindings declared before it in this skeleton):
   * recomputing it runs no code of the program's.
   */
  readonly pure: boolean;
  /** Pure initializers only: every identifier in it, for what derives from a changed constant. */
  readonly reads?: readonly string[];
}

export interface ClassOutline {
  /** The binding that holds the class (`Store`, or esbuild's `_Store`). */
  readonly binding: string;
  /** The class's own name (`class _Store2 {...}`), if it has one. */
  readonly id?: string;
  /** The `extends` expression's text ('' without one). */
  readonly heritage: string;
  /** Methods and accessors, by key as written (`get size`, `static create`, `[Symbol.iterator]`), in source order. */
  readonly methods: readonly ClassMember[];
  /** Everything else of the body (constructor, fields, static blocks) as text, in order. */
  readonly fixed: readonly string[];
  /** The slot form's async markers (`static { __baton_async(...) }`), by the property they mark. */
  readonly markers: ReadonlyMap<string, string>;
}

export interface ClassMember {
  readonly key: string;
  /** The property name for accessor pairing and removal (`size` for `get size`), with `static ` when static. */
  readonly property: string;
  readonly text: string;
}

export type SkeletonOutline = readonly OutlineStatement[];

/** Parses a skeleton (module code with stubs, without bodies) into its outline. Throws on a syntax error. */
export function outlineSkeleton(skeleton: string): SkeletonOutline {
  const ast = acorn.parse(skeleton, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true });
  // Pure bindings so far, in source order: a pure initializer reads only pure bindings declared before it.
  const pure = new Set<string>();
  const declaration = (names: string[], node: acorn.Expression | null | undefined, text: string, key: string, inits: ReadonlyArray<acorn.Expression | null | undefined> = [node]): OutlineStatement => {
    const init = node && names.length === 1 ? initOutline(skeleton, node, pure) : undefined;
    if (init?.pure) pure.add(names[0]!);
    const cls = node?.type === 'ClassExpression' && names.length === 1 ? classOutline(skeleton, node, names[0]!) : undefined;
    return { key, text, names, kind: 'declaration', ...(init ? { init } : {}), ...(cls ? { cls } : {}), evaluates: evaluatesAll(inits, pure) };
  };
  return ast.body.map((node): OutlineStatement => {
    const text = skeleton.slice(node.start, node.end);
    if (node.type === 'VariableDeclaration') {
      const names = node.declarations.map((d) => (d.id.type === 'Identifier' ? d.id.name : ''));
      const inits = node.declarations.map((d) => d.init);
      if (names.every((n) => n !== '')) return declaration(names, node.declarations.length === 1 ? node.declarations[0]!.init : undefined, text, `let ${names.join(',')}`, inits);
    }
    if (node.type === 'FunctionDeclaration' && node.id) return { key: `function ${node.id.name}`, text, names: [node.id.name], kind: 'function', evaluates: false };
    // A binding an earlier live update added or declared again: `__baton_ext.name = ...` declares it.
    const ext = extDeclaration(node);
    if (ext) {
      const { name, value } = ext;
      const key = `ext ${name}`;
      if (value.type === 'ClassExpression') return { key, text, names: [name], kind: 'class', cls: classOutline(skeleton, value, name), evaluates: classEvaluates(value, pure) };
      if (value.type === 'FunctionExpression') return { key, text, names: [name], kind: 'function', evaluates: false };
      return declaration([name], value, text, key);
    }
    if (node.type === 'ClassDeclaration' && node.id) return { key: `class ${node.id.name}`, text, names: [node.id.name], kind: 'class', cls: classOutline(skeleton, node, node.id.name), evaluates: classEvaluates(node, pure) };
    if (node.type === 'ExpressionStatement' && node.expression.type === 'CallExpression' && node.expression.callee.type === 'Identifier' && node.expression.callee.name === '__export') {
      const object = node.expression.arguments[1];
      const exports = new Map<string, string>();
      if (object?.type === 'ObjectExpression') {
        for (const p of object.properties) {
          if (p.type === 'Property' && p.key.type === 'Identifier') exports.set(p.key.name, skeleton.slice(p.start, p.end));
          else if (p.type === 'Property' && p.key.type === 'Literal') exports.set(String(p.key.value), skeleton.slice(p.start, p.end));
        }
      }
      return { key: 'export', text, names: [], kind: 'export', exports, evaluates: true };
    }
    // esbuild's `0 && (module.exports = {...})` names the exports for Node's CommonJS detection; it never runs.
    if (/^0 && \(module\.exports = /.test(text)) return { key: 'export names', text, names: [], kind: 'export', evaluates: false };
    return { key: `statement ${text}`, text, names: [], kind: 'statement', evaluates: true };
  });
}

function extDeclaration(node: acorn.Statement | acorn.ModuleDeclaration): { name: string; value: acorn.Expression } | undefined {
  if (node.type !== 'ExpressionStatement' || node.expression.type !== 'AssignmentExpression' || node.expression.operator !== '=') return undefined;
  const left = node.expression.left;
  if (left.type !== 'MemberExpression' || left.computed || left.object.type !== 'Identifier' || left.object.name !== '__baton_ext' || left.property.type !== 'Identifier') return undefined;
  return { name: left.property.name, value: node.expression.right };
}

function initOutline(skeleton: string, node: acorn.Expression, pure: ReadonlySet<string>): InitOutline {
  const text = skeleton.slice(node.start, node.end);
  const identifier = node.type === 'Identifier' ? { identifier: node.name } : {};
  if (!isPure(node, pure)) return { text, ...identifier, pure: false };
  return { text, ...identifier, pure: true, reads: identifiersIn(node) };
}

function isPure(node: acorn.Node, pure: ReadonlySet<string>): boolean {
  switch (node.type) {
    case 'Literal':
      return true;
    case 'Identifier':
      return (node as acorn.Identifier).name === 'undefined' || pure.has((node as acorn.Identifier).name);
    case 'TemplateLiteral':
      return (node as acorn.TemplateLiteral).expressions.every((e) => isPure(e, pure));
    case 'ArrayExpression':
      return (node as acorn.ArrayExpression).elements.every((e) => e === null || isPure(e.type === 'SpreadElement' ? e.argument : e, pure));
    case 'ObjectExpression':
      return (node as acorn.ObjectExpression).properties.every((p) =>
        p.type === 'SpreadElement' ? isPure(p.argument, pure) : p.kind === 'init' && !p.method && (!p.computed || isPure(p.key, pure)) && isPure(p.value, pure),
      );
    case 'UnaryExpression':
      return (node as acorn.UnaryExpression).operator !== 'delete' && isPure((node as acorn.UnaryExpression).argument, pure);
    case 'BinaryExpression':
    case 'LogicalExpression': {
      const b = node as acorn.BinaryExpression;
      return isPure(b.left, pure) && isPure(b.right, pure);
    }
    case 'MemberExpression': {
      // A property of a pure object literal: no getter can run (pure literals have plain properties only).
      const m = node as acorn.MemberExpression;
      return m.object.type !== 'Super' && isPure(m.object, pure) && (!m.computed || isPure(m.property, pure));
    }
    case 'ConditionalExpression': {
      const c = node as acorn.ConditionalExpression;
      return isPure(c.test, pure) && isPure(c.consequent, pure) && isPure(c.alternate, pure);
    }
    default:
      return false;
  }
}

/**
 * Whether evaluating these initializers may run code of the program's. A
 * function or arrow only creates a closure; a class follows classEvaluates;
 * an identifier reads a binding; anything else must be a pure constant (an
 * object in a template or an operator would call its toString or valueOf).
 */
function evaluatesAll(inits: ReadonlyArray<acorn.Expression | null | undefined>, pure: ReadonlySet<string>): boolean {
  return inits.some((init) => init != null && evaluatesExpression(init, pure));
}

function evaluatesExpression(node: acorn.Expression, pure: ReadonlySet<string>): boolean {
  if (node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression' || node.type === 'Identifier' || node.type === 'Literal') return false;
  if (node.type === 'ClassExpression') return classEvaluates(node, pure);
  return !isPure(node, pure);
}

/**
 * Whether declaring this class runs code of the program's: an `extends`
 * other than a name, a computed key other than a well-known symbol, a static
 * field's initializer that is not a constant, a static block other than the
 * slot form's (`__baton_home`, `__baton_async`). Instance fields and the
 * constructor run only on `new`.
 */
function classEvaluates(cls: acorn.Class, pure: ReadonlySet<string>): boolean {
  if (cls.superClass && cls.superClass.type !== 'Identifier') return true;
  return cls.body.body.some((m) => {
    if (m.type === 'StaticBlock') return !isSlotFormBlock(m);
    if (m.type !== 'MethodDefinition' && m.type !== 'PropertyDefinition') return true;
    if (m.computed && !isWellKnownSymbol(m.key)) return true;
    return m.type === 'PropertyDefinition' && m.static && m.value != null && evaluatesExpression(m.value, pure);
  });
}

function isSlotFormBlock(block: acorn.StaticBlock): boolean {
  const only = block.body.length === 1 ? block.body[0] : undefined;
  return only?.type === 'ExpressionStatement' && only.expression.type === 'CallExpression' && only.expression.callee.type === 'Identifier' && /^__baton_(home|async)$/.test(only.expression.callee.name);
}

/** `Symbol.iterator`, `Symbol.asyncIterator`...: a property of the global Symbol, no call. */
function isWellKnownSymbol(key: acorn.Node): boolean {
  const m = key as acorn.MemberExpression;
  return key.type === 'MemberExpression' && !m.computed && m.object.type === 'Identifier' && m.object.name === 'Symbol' && m.property.type === 'Identifier';
}

/** Every identifier name in the tree (property keys too: a conservative reading of what it reads). */
function identifiersIn(node: acorn.Node): string[] {
  const names = new Set<string>();
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if ((n as acorn.Node).type === 'Identifier') names.add((n as acorn.Identifier).name);
    for (const v of Object.values(n as object)) if (v && typeof v === 'object') visit(v);
  };
  visit(node);
  return [...names];
}

function classOutline(skeleton: string, cls: acorn.Class, binding: string): ClassOutline {
  const methods: ClassMember[] = [];
  const fixed: string[] = [];
  const markers = new Map<string, string>();
  for (const m of cls.body.body) {
    const text = skeleton.slice(m.start, m.end);
    if (m.type === 'MethodDefinition' && m.kind !== 'constructor') {
      const name = m.computed ? `[${skeleton.slice(m.key.start, m.key.end)}]` : m.key.type === 'Identifier' ? m.key.name : skeleton.slice(m.key.start, m.key.end);
      const property = `${m.static ? 'static ' : ''}${name}`;
      const key = `${m.static ? 'static ' : ''}${m.kind === 'method' ? '' : `${m.kind} `}${name}`;
      methods.push({ key, property, text });
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
  return {
    binding,
    ...(cls.id ? { id: cls.id.name } : {}),
    heritage: cls.superClass ? skeleton.slice(cls.superClass.start, cls.superClass.end) : '',
    methods,
    fixed,
    markers,
  };
}

/**
 * Outlines of the skeletons one update (or one `baton diff`) asks about,
 * kept by skeleton text: an update plans, prepares and commits each live
 * module from the same three skeletons (running, new, new compiled for the
 * live module) several times over. Read-only to every caller. Bounded: a
 * skeleton no longer kept is parsed again, on the caller's thread.
 */
const kept = new Map<string, SkeletonOutline>();
const KEPT = 64;

/** The outline of `skeleton`: kept, or parsed now. */
export function outlineOf(skeleton: string): SkeletonOutline {
  const hit = kept.get(skeleton);
  if (hit) return hit;
  const outline = outlineSkeleton(skeleton);
  keepOutline(skeleton, outline);
  return outline;
}

/** Whether `outlineOf(skeleton)` would answer without parsing. */
export function hasOutline(skeleton: string): boolean {
  return kept.has(skeleton);
}

/** Keeps an outline parsed elsewhere (the program's compile thread). */
export function keepOutline(skeleton: string, outline: SkeletonOutline): void {
  if (kept.has(skeleton)) return;
  if (kept.size >= KEPT) kept.delete(kept.keys().next().value!);
  kept.set(skeleton, outline);
}
