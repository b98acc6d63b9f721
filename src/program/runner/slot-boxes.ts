import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import type { Variable } from 'eslint-scope';
import type { Edit } from './slot-emit.js';

/**
 * Reassigned captures held in a box: the reassigned captured `let`s of one
 * scope share one object, created at the first of their declarations
 * (`let count = start; let calls = 0` becomes `let $rs_2 = { count: (start),
 * calls: 0 }; let $d_calls = ($rs_2.calls = (0))`), and every use of them
 * reads `$rs_2.count`, in the scope that declares them and in the bodies
 * their closures' stubs pass the box to (once, however many of its variables
 * the body reads). What V8 does with a function's context, done in the
 * source. The other form, an accessor object over the variable (`$r_n.v`
 * calling a closure that reads or writes `n`), costs an object and two
 * closures per variable where the box costs one object per scope, and its
 * calls stop inlining once a patch of the declaring function brings new
 * closures: on the closure-heavy micro-benchmark's counter alone, 0.37 of
 * node with the accessor against 0.78 with a box per variable (same stubs).
 * One box per scope instead of one per variable: on the counter (two
 * reassigned `let`s read by three closures) 0.84 of node with a box each,
 * 0.97 with one box for both, in a standalone harness (bench notes in
 * ARCHITECTURE.md): one allocation, one argument and one map check instead
 * of two of each per call.
 *
 * The box is named after the scope's depth (`$rs_<depth>`): the scopes a
 * closure sees have distinct depths, and the name stays when variables are
 * added to or removed from the scope. The box is part of the capture
 * signature (`&count@$rs_2`): a patch that moves a variable between a box
 * and an accessor gives its closures' bodies new cells, so closures made
 * before keep their old bodies (which read the form their stubs pass).
 *
 * A box has no temporal dead zone, so a variable is boxed only where none
 * can be observed: a `let` declared by a plain name outside loop heads and
 * `switch` cases, whose every use comes after its declaration in the text
 * and none inside a function declaration (hoisted, so callable before it).
 * A `var` is shared by every iteration of a loop around it and a `const`
 * must throw when assigned: both keep the accessor. So does a `let` named
 * `__proto__` (an object literal's key of that name sets the prototype).
 * The first declaration of a scope's boxed variables runs before any other:
 * they are statements of one block (or function body), run in order, and no
 * use of one comes before its own declaration.
 */
export function boxable(v: Variable, hoisted: readonly acorn.Node[]): boolean {
  if (v.defs.length !== 1 || (v.scope.type !== 'function' && v.scope.type !== 'block')) return false;
  const def = v.defs[0]!;
  if (def.type !== 'Variable' || (def.parent as { kind?: string } | null)?.kind !== 'let') return false;
  const declarator = def.node as unknown as acorn.VariableDeclarator;
  if (declarator.id.type !== 'Identifier' || declarator.id.name === '__proto__') return false;
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

/** The box each boxed variable is in: one per scope, named after the scope's depth. */
export function boxGroups(boxed: readonly Variable[]): Map<Variable, string> {
  const out = new Map<Variable, string>();
  for (const v of boxed) {
    let depth = 0;
    for (let s = v.scope.upper; s; s = s.upper) depth++;
    out.set(v, `$rs_${depth}`);
  }
  return out;
}

const declaratorOf = (v: Variable) => v.defs[0]!.node as unknown as acorn.VariableDeclarator;

/** A literal whose value can be written into the box when it is made (a fresh regular expression each time cannot). */
function plainLiteral(init: acorn.Expression | null | undefined, code: string): string | undefined {
  if (!init || init.type !== 'Literal' || 'regex' in init) return undefined;
  return code.slice(init.start, init.end);
}

/**
 * The declarations' edits, for the variables of one box in source order: the
 * first `n = init` becomes `$rs_2 = { n: (init), m: <m's literal or void 0> }`,
 * each later `m = init` becomes `$d_m = ($rs_2.m = (init))`. Added after every
 * other edit of its function: magic-string's overwrite of a reference that
 * ends the initializer would drop a closing text added before it.
 */
export function boxEdits(members: readonly Variable[], box: string, code: string): Edit[] {
  const sorted = [...members].sort((a, b) => declaratorOf(a).start - declaratorOf(b).start);
  const edits: Edit[] = [];
  sorted.forEach((v, i) => {
    const declarator = declaratorOf(v);
    const id = declarator.id as acorn.Identifier;
    if (i === 0) {
      const rest = sorted.slice(1).map((m) => `${m.name}: ${plainLiteral(declaratorOf(m).init, code) ?? 'void 0'}`);
      const tail = rest.length > 0 ? `, ${rest.join(', ')} }` : ' }';
      if (!declarator.init) {
        edits.push({ kind: 'overwrite', start: id.start, end: id.end, text: `${box} = { ${id.name}: void 0${tail}` });
      } else {
        edits.push({ kind: 'overwrite', start: id.start, end: declarator.init.start, text: `${box} = { ${id.name}: (` });
        edits.push({ kind: 'left', start: declarator.init.end, end: declarator.init.end, text: `)${tail}` });
      }
      return;
    }
    if (!declarator.init) {
      edits.push({ kind: 'overwrite', start: id.start, end: id.end, text: `$d_${id.name} = (${box}.${id.name} = void 0)` });
    } else {
      edits.push({ kind: 'overwrite', start: id.start, end: declarator.init.start, text: `$d_${id.name} = (${box}.${id.name} = (` });
      edits.push({ kind: 'left', start: declarator.init.end, end: declarator.init.end, text: '))' });
    }
  });
  return edits;
}

/** Where each use of a boxed variable is (identifier start to its read, `$rs_2.n`), its declaration left out. */
export function boxedUses(v: Variable, box: string, into: Map<number, string>): void {
  const id = declaratorOf(v).id as acorn.Identifier;
  for (const ref of v.references) {
    const at = (ref.identifier as unknown as acorn.Node).start;
    if (at !== id.start) into.set(at, `${box}.${v.name}`);
  }
}
