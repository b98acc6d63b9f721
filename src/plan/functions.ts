import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

/** A function in compiled code, named by where it sits (`Store.get`, `handle`, `handle/<arrow#2>`). */
export interface FunctionInfo {
  readonly name: string;
  readonly body: string;
  readonly async: boolean;
  readonly generator: boolean;
}

type AnyFunction = acorn.FunctionDeclaration | acorn.FunctionExpression | acorn.ArrowFunctionExpression;

export function parseCompiled(text: string): acorn.Program {
  return acorn.parse(text, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    allowAwaitOutsideFunction: true,
    allowReturnOutsideFunction: true,
    allowHashBang: true,
  });
}

/**
 * The module with every function body blanked out: two versions with the
 * same skeleton differ only inside function bodies, which LiveEdit can patch.
 * The wrapper function that holds the whole module is not a body here.
 */
export function skeletonOf(text: string, ast: acorn.Program): string {
  const wrapper = moduleWrapper(ast);
  const cuts: Array<[number, number]> = [];
  walk.full(ast, (node) => {
    if (!isFunction(node) || node === wrapper) return;
    cuts.push([node.body.start, node.body.end]);
  });
  // Keep only outermost cuts; nested bodies are inside them.
  cuts.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of cuts) {
    if (start < at) continue;
    out += text.slice(at, start) + '{}';
    at = end;
  }
  return out + text.slice(at);
}

/** Every function but the module wrapper, named by its position in the code. */
export function functionsOf(text: string, ast: acorn.Program): FunctionInfo[] {
  const wrapper = moduleWrapper(ast);
  const found: FunctionInfo[] = [];
  const seen = new Map<string, number>();
  walk.ancestor(ast, {
    Function(node, _state, ancestors) {
      const fn = node as AnyFunction;
      if (fn === wrapper || isGeneratedCode(ancestors)) return;
      const path = ancestors
        .filter((a): a is AnyFunction => isFunction(a) && a !== wrapper && a !== fn)
        .map((a) => nameOf(a, ancestors));
      path.push(nameOf(fn, ancestors));
      let name = path.join('/');
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      if (n > 1) name = `${name}#${n}`;
      found.push({ name, body: ownBody(text, fn), async: fn.async, generator: fn.generator });
    },
  });
  return found;
}

/** A function's body with nested function bodies blanked: a change inside a closure is the closure's. */
function ownBody(text: string, fn: AnyFunction): string {
  const cuts: Array<[number, number]> = [];
  walk.full(fn.body, (node) => {
    if (isFunction(node)) cuts.push([node.body.start, node.body.end]);
  });
  cuts.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = fn.body.start;
  for (const [start, end] of cuts) {
    if (start < at) continue;
    out += text.slice(at, start) + '{}';
    at = end;
  }
  return out + text.slice(at, fn.body.end);
}

/** esbuild's helpers, export getters and baton's binding accessors are not the user's functions. */
function isGeneratedCode(ancestors: acorn.Node[]): boolean {
  return ancestors.some(
    (a) =>
      (a.type === 'CallExpression' && (a as acorn.CallExpression).callee.type === 'Identifier' && ((a as acorn.CallExpression).callee as acorn.Identifier).name.startsWith('__')) ||
      (a.type === 'VariableDeclarator' && (a as acorn.VariableDeclarator).id.type === 'Identifier' && ((a as acorn.VariableDeclarator).id as acorn.Identifier).name.startsWith('__')),
  );
}

function isFunction(node: acorn.Node): node is AnyFunction {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/** `module.exports = async function (...) { <module> }`: the function that is the module itself. */
function moduleWrapper(ast: acorn.Program): acorn.Node | undefined {
  const first = ast.body[0];
  if (first?.type === 'ExpressionStatement' && first.expression.type === 'AssignmentExpression') {
    const right = first.expression.right;
    if (right.type === 'FunctionExpression') return right;
  }
  return undefined;
}

function nameOf(fn: AnyFunction, ancestors: acorn.Node[]): string {
  if ((fn.type === 'FunctionDeclaration' || fn.type === 'FunctionExpression') && fn.id) {
    return withClass(fn.id.name, fn, ancestors);
  }
  const parent = ancestors[ancestors.indexOf(fn) - 1];
  if (parent) {
    if (parent.type === 'MethodDefinition' || parent.type === 'Property' || parent.type === 'PropertyDefinition') {
      const p = parent as acorn.MethodDefinition | acorn.Property | acorn.PropertyDefinition;
      const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : p.key.type === 'PrivateIdentifier' ? `#${p.key.name}` : '[computed]';
      const kind = parent.type === 'MethodDefinition' && (p as acorn.MethodDefinition).kind !== 'method' && (p as acorn.MethodDefinition).kind !== 'constructor' ? `${(p as acorn.MethodDefinition).kind} ` : '';
      return withClass(kind + key, fn, ancestors);
    }
    if (parent.type === 'VariableDeclarator' && (parent as acorn.VariableDeclarator).id.type === 'Identifier') {
      return ((parent as acorn.VariableDeclarator).id as acorn.Identifier).name;
    }
    if (parent.type === 'AssignmentExpression') {
      const left = (parent as acorn.AssignmentExpression).left;
      if (left.type === 'Identifier') return left.name;
      if (left.type === 'MemberExpression' && left.property.type === 'Identifier') return left.property.name;
    }
  }
  return fn.type === 'ArrowFunctionExpression' ? '<arrow>' : '<function>';
}

function withClass(name: string, fn: AnyFunction, ancestors: acorn.Node[]): string {
  for (let i = ancestors.indexOf(fn) - 1; i >= 0; i--) {
    const a = ancestors[i];
    if (!a) continue;
    if (isFunction(a)) break;
    if ((a.type === 'ClassDeclaration' || a.type === 'ClassExpression') && (a as acorn.Class).id) {
      return `${(a as acorn.Class).id!.name}.${name}`;
    }
  }
  return name;
}
