import type * as acorn from 'acorn';
import type { analyze, Scope, Variable } from 'eslint-scope';
import type { Node as EstreeNode } from 'estree';
import { createHash } from 'node:crypto';
import { SLOT_PREFIX, type Capture, type Fn, type FnInfo } from './slot-analysis.js';

/**
 * What a function of the slot form captures and how each capture is passed
 * (a value, an accessor object, a field of its scope's box): the one rule
 * the cell's signature, the stub's arguments and the report's `newCaptures`
 * all read. Read-only analysis, like slot-analysis.ts.
 */

/**
 * What a stub passes its body besides the parameters, each as a user reads
 * it and in the form it is passed: the captured variables (a value, an
 * accessor `&name`, or a field of its scope's box `&name@$rs_2`), then
 * `arguments`, `new.target`, `super` and an arrow's `this` where the body
 * uses them. The forms make the cell's signature; a patch whose new body
 * needs one the old stubs do not pass (a new name, or a name in another
 * form) reports it by name (compare-module.ts, `newCaptures`).
 */
export function passedCaptures(f: FnInfo): Array<{ readonly name: string; readonly form: string }> {
  const out = f.captures.map((c) => ({ name: c.name, form: `${c.ref ? '&' : ''}${c.name}${c.box ? `@${c.box}` : ''}` }));
  if (f.usesArguments) out.push({ name: 'arguments', form: '$arguments' });
  if (f.usesNewTarget) out.push({ name: 'new.target', form: '$newtarget' });
  if (f.usesSuper) out.push({ name: 'super', form: '$home' });
  if (f.node.type === 'ArrowFunctionExpression' && f.usesThis) out.push({ name: 'this', form: '$this' });
  return out;
}

export function signature(f: FnInfo): string {
  return passedCaptures(f)
    .map((c) => c.form)
    .join(',');
}

/** The captures as the stub passes them and the body receives them: values, accessor objects, and each scope's box once. */
export function capturedParams(f: FnInfo): string[] {
  const out: string[] = [];
  for (const c of f.captures) {
    if (c.box) {
      if (!out.includes(c.box)) out.push(c.box);
    } else out.push(c.ref ? `$r_${c.name}` : c.name);
  }
  return out;
}

export function cellName(scope: string, path: string, sig: string): string {
  return SLOT_PREFIX + createHash('sha1').update(`${scope}\0${path}\0${sig}`).digest('hex').slice(0, 16);
}

/** Variables from enclosing functions and blocks (not module bindings, not globals) the function or its closures use. */
export function capturesOf(f: FnInfo, manager: ReturnType<typeof analyze>, moduleScope: Scope | undefined): Capture[] {
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
export function needsAccessor(v: Variable, f: FnInfo): boolean {
  if (v.scope.type === 'function-expression-name') return false;
  if (v.references.some((r) => r.isWrite() && !r.init)) return true;
  const def = v.defs[0];
  if (!def) return false;
  const lexical = (def.type === 'Variable' && (def.parent as { kind?: string } | null)?.kind !== 'var') || def.type === 'ClassName';
  return lexical && (def.name as unknown as acorn.Node).start > f.node.start;
}

/** Where a variable's accessor object goes: the start of its scope's block; undefined when there is none usable. */
export function refInsertion(v: Variable, closure: FnInfo | undefined): number | undefined {
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
