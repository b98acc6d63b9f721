import * as acorn from 'acorn';
import type { CompiledModule } from '../program/runner/compile.js';

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
   * derived from one.
   */
  readonly recomputed: readonly string[];
  /** Bindings the new version no longer declares: left to the old code that still reads them. */
  readonly dropped: readonly string[];
  /** New or changed top-level statements (first line of each), which do not run. */
  readonly notRun: readonly string[];
  /** Exports new in this version. */
  readonly exportsAdded: readonly string[];
}

interface Statement {
  readonly key: string;
  readonly text: string;
  /** For a declaration of one name: its initializer's AST, for the purity check. */
  readonly init?: acorn.Expression | null | undefined;
  readonly names: readonly string[];
  readonly kind: 'declaration' | 'class' | 'function' | 'export' | 'statement';
  readonly exports?: ReadonlyMap<string, string>;
}

function statementsOf(skeleton: string): Statement[] {
  const ast = acorn.parse(skeleton, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true });
  return ast.body.map((node): Statement => {
    const text = skeleton.slice(node.start, node.end);
    if (node.type === 'VariableDeclaration') {
      const names = node.declarations.map((d) => (d.id.type === 'Identifier' ? d.id.name : ''));
      if (names.every((n) => n !== '')) return { key: `let ${names.join(',')}`, text, names, kind: 'declaration', init: node.declarations.length === 1 ? node.declarations[0]!.init : undefined };
    }
    if (node.type === 'FunctionDeclaration' && node.id) return { key: `function ${node.id.name}`, text, names: [node.id.name], kind: 'function' };
    if (node.type === 'ClassDeclaration' && node.id) return { key: `class ${node.id.name}`, text, names: [node.id.name], kind: 'class' };
    if (node.type === 'ExpressionStatement' && node.expression.type === 'CallExpression' && node.expression.callee.type === 'Identifier' && node.expression.callee.name === '__export') {
      const object = node.expression.arguments[1];
      const exports = new Map<string, string>();
      if (object?.type === 'ObjectExpression') {
        for (const p of object.properties) {
          if (p.type === 'Property' && p.key.type === 'Identifier') exports.set(p.key.name, skeleton.slice(p.start, p.end));
          else if (p.type === 'Property' && p.key.type === 'Literal') exports.set(String(p.key.value), skeleton.slice(p.start, p.end));
        }
      }
      return { key: 'export', text, names: [], kind: 'export', exports };
    }
    // esbuild's `0 && (module.exports = {...})` names the exports for Node's CommonJS detection; it never runs.
    if (/^0 && \(module\.exports = /.test(text)) return { key: 'export names', text, names: [], kind: 'export' };
    return { key: `statement ${text}`, text, names: [], kind: 'statement' };
  });
}

/**
 * Compares the skeletons of two versions (module code with stubs, without
 * bodies). Undefined when the change needs a new instance: a changed class or
 * function stub, a new import, a new binding declared through a pattern.
 */
export function planLive(before: CompiledModule, after: CompiledModule): LivePlan | undefined {
  if (before.unslottable || after.unslottable) return undefined;
  const oldImports = new Set(before.imports);
  if (after.imports.some((s) => !oldImports.has(s))) return undefined;
  let old: Statement[];
  let next: Statement[];
  try {
    old = statementsOf(before.skeleton);
    next = statementsOf(after.skeleton);
  } catch {
    return undefined;
  }
  const oldByKey = new Map(old.map((s) => [s.key, s]));
  const declaredBefore = new Set(old.flatMap((s) => s.names));
  const added: string[] = [];
  const kept: string[] = [];
  const notRun: string[] = [];
  const exportsAdded: string[] = [];
  for (const s of next) {
    const o = oldByKey.get(s.key);
    oldByKey.delete(s.key);
    if (s.kind === 'export') {
      for (const name of s.exports?.keys() ?? []) if (!o?.exports?.has(name)) exportsAdded.push(name);
      continue;
    }
    if (s.kind === 'statement') {
      if (!o) notRun.push(firstLine(s.text));
      continue;
    }
    if (o) {
      if (o.text === s.text) continue;
      // A changed stub (arity, kind) or class needs a new instance; a changed initializer keeps the state.
      if (s.kind !== 'declaration') return undefined;
      kept.push(...s.names);
      continue;
    }
    // A binding that moved into another declaration statement, or a redeclaration, is not new.
    if (s.names.some((n) => declaredBefore.has(n))) return undefined;
    // A new class may be an old one that moved here (its instances in the state need migrating, by
    // the reload's class machinery): classes are never added live.
    if (s.kind === 'class' || /(^|[^\w$.])class\b/.test(s.text)) return undefined;
    added.push(...s.names);
  }
  const dropped = [...oldByKey.values()].filter((s) => s.kind !== 'statement' && s.kind !== 'export').flatMap((s) => s.names);
  const recomputed = pureRecomputation(next, new Set(kept));
  return { added, kept: kept.filter((n) => !recomputed.includes(n)), recomputed, dropped, notRun, exportsAdded };
}

/** Kept bindings with pure initializers, and the pure bindings derived from them (a fixed point, in source order). */
function pureRecomputation(statements: readonly Statement[], changed: ReadonlySet<string>): string[] {
  const decls = statements.filter((s) => s.kind === 'declaration' && s.names.length === 1 && s.init);
  const pure = new Set<string>();
  // Pure bindings of the new version, in order: a pure initializer reads only pure bindings.
  for (const s of decls) if (isPure(s.init!, pure)) pure.add(s.names[0]!);
  const out = new Set<string>();
  for (const s of decls) {
    const name = s.names[0]!;
    if (!pure.has(name)) continue;
    if (changed.has(name) || readsAny(s.init!, out)) out.add(name);
  }
  return [...out];
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
    case 'ConditionalExpression': {
      const c = node as acorn.ConditionalExpression;
      return isPure(c.test, pure) && isPure(c.consequent, pure) && isPure(c.alternate, pure);
    }
    default:
      return false;
  }
}

function readsAny(node: acorn.Node, names: ReadonlySet<string>): boolean {
  let found = false;
  const visit = (n: unknown): void => {
    if (found || !n || typeof n !== 'object') return;
    if ((n as acorn.Node).type === 'Identifier' && names.has((n as acorn.Identifier).name)) found = true;
    for (const v of Object.values(n as object)) if (v && typeof v === 'object') visit(v);
  };
  visit(node);
  return found;
}

/** A declaration's initializer text in a live-compiled skeleton (stubs in place of functions). */
export function initializerOf(liveSkeleton: string, name: string): string | undefined {
  const s = statementsOf(liveSkeleton).find((st) => st.kind === 'declaration' && st.names.length === 1 && st.names[0] === name);
  return s?.init ? liveSkeleton.slice(s.init.start, s.init.end) : undefined;
}

/** The plan in the user's terms, one phrase per change. */
export function describeLive(plan: LivePlan): string[] {
  return [
    ...plan.added.map((n) => `new ${n}`),
    ...plan.kept.map((n) => `${n} keeps its value (initializer changed)`),
    ...plan.recomputed.map((n) => `${n} recomputed (a constant)`),
    ...plan.dropped.map((n) => `${n} no longer declared`),
    ...plan.exportsAdded.map((n) => `exports ${n}`),
    ...plan.notRun.map((s) => `not run: ${s}`),
  ];
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** The statements of a live-compiled skeleton that declare the added bindings, in order. */
export function addedStatements(liveSkeleton: string, added: ReadonlySet<string>): string[] {
  return statementsOf(liveSkeleton)
    .filter((s) => s.kind === 'statement' && /^__baton_ext\.([\w$]+) = /.test(s.text) && added.has(/^__baton_ext\.([\w$]+) = /.exec(s.text)![1]!))
    .map((s) => s.text);
}

/** The export entries (`name: () => ...`) of the names given, from a live-compiled skeleton. */
export function exportEntries(liveSkeleton: string, names: ReadonlySet<string>): { target: string; entries: string[] } | undefined {
  const exp = statementsOf(liveSkeleton).find((s) => s.kind === 'export');
  if (!exp?.exports) return undefined;
  const target = /^__export\(([\w$]+),/.exec(exp.text)?.[1];
  if (!target) return undefined;
  return { target, entries: [...exp.exports].filter(([n]) => names.has(n)).map(([, text]) => text) };
}
