import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import type { Variable } from 'eslint-scope';
import type { Edit } from './slot-emit.js';

/**
 * Reassigned captures held in a box: `let n = 0` becomes
 * `let $r_n = { v: (0) }` and every use of `n` reads `$r_n.v`, in the scope
 * that declares it and in the bodies its closures' stubs pass it to. The
 * other form, an accessor object over the variable (`$r_n.v` calling a
 * closure that reads or writes `n`), costs an object and two closures per
 * variable where the box costs one object, and its calls stop inlining once
 * a patch of the declaring function brings new closures: on the
 * closure-heavy micro-benchmark's counter alone, 0.37 of node with the
 * accessor against 0.78 with the box (same stubs). Bodies see the same
 * `$r_n.v` either way, so a patch may move a variable from one form to the
 * other.
 *
 * A box has no temporal dead zone, so a variable is boxed only where none
 * can be observed: a `let` declared by a plain name outside loop heads and
 * `switch` cases, whose every use comes after its declaration in the text
 * and none inside a function declaration (hoisted, so callable before it).
 * A `var` is shared by every iteration of a loop around it and a `const`
 * must throw when assigned: both keep the accessor.
 */
export function boxable(v: Variable, hoisted: readonly acorn.Node[]): boolean {
  if (v.defs.length !== 1 || (v.scope.type !== 'function' && v.scope.type !== 'block')) return false;
  const def = v.defs[0]!;
  if (def.type !== 'Variable' || (def.parent as { kind?: string } | null)?.kind !== 'let') return false;
  const declarator = def.node as unknown as acorn.VariableDeclarator;
  if (declarator.id.type !== 'Identifier') return false;
  const block = v.scope.block as unknown as acorn.Node;
  const inner = hoisted.filter((fn) => fn.start > block.start && fn.end <= block.end);
  for (const ref of v.references) {
    const at = (ref.identifier as unknown as acorn.Node).start;
    if (at === declarator.id.start) continue;
    if (at < declarator.end) return false;
    if (inner.some((fn) => fn.start <= at && at < fn.end)) return false;
  }
  return true;
}

/** Function declarations, whose uses of a variable may run before its declaration. */
export function functionDeclarations(ast: acorn.Program): acorn.Node[] {
  const found: acorn.Node[] = [];
  walk.simple(ast, {
    FunctionDeclaration(node) {
      found.push(node);
    },
  });
  return found;
}

/**
 * The declaration's edits: `n = init` becomes `$r_n = { v: (init) }`. Added
 * after every other edit of its function: magic-string's overwrite of a
 * reference that ends the initializer would drop a closing text added before it.
 */
export function boxEdits(v: Variable): Edit[] {
  const declarator = v.defs[0]!.node as unknown as acorn.VariableDeclarator;
  const id = declarator.id as acorn.Identifier;
  const name = `$r_${id.name}`;
  if (!declarator.init) return [{ kind: 'overwrite', start: id.start, end: id.end, text: `${name} = { v: void 0 }` }];
  return [
    { kind: 'overwrite', start: id.start, end: declarator.init.start, text: `${name} = { v: (` },
    { kind: 'left', start: declarator.init.end, end: declarator.init.end, text: ') }' },
  ];
}

/** Where each use of a boxed variable is (identifier start to name), its declaration left out. */
export function boxedUses(v: Variable, into: Map<number, string>): void {
  const id = (v.defs[0]!.node as unknown as acorn.VariableDeclarator).id as acorn.Identifier;
  for (const ref of v.references) {
    const at = (ref.identifier as unknown as acorn.Node).start;
    if (at !== id.start) into.set(at, v.name);
  }
}
