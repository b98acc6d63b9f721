import ts from 'typescript';

// Methods that change their receiver (arrays, maps, sets, dates' setters aside).
const MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'delete', 'clear', 'add']);
// Methods that hand out a part of their receiver: what they return is still the old value.
const READERS = new Set(['get', 'at', 'find', 'findLast']);
// Callbacks of these methods receive elements of the receiver.
const ITERATORS = new Set(['forEach', 'map', 'filter', 'some', 'every', 'find', 'findLast', 'findIndex', 'flatMap', 'reduce', 'reduceRight']);
// Functions whose first argument they write to.
const WRITERS = new Set(['Object.assign', 'Object.defineProperty', 'Object.defineProperties', 'Object.setPrototypeOf', 'Reflect.set', 'Reflect.deleteProperty', 'Reflect.defineProperty']);

/**
 * The places in a transformer that write to its input (the old value) or to
 * something reachable from it: assignments, `++`, `delete`, mutating methods
 * (`push`, `set`, ...), `Object.assign(old, ...)`. A value counts as the
 * input's when it is the parameter, a property or element of it, a variable
 * initialized from one, an element a `for...of` or an array callback walks,
 * or what `get`/`at`/`find` returns from one. What a helper function does
 * with a part it is given is not followed.
 */
export function mutationsOf(checker: ts.TypeChecker, fn: ts.SignatureDeclaration & { body?: ts.Node | undefined }): ts.Node[] {
  const param = fn.parameters[0];
  if (!param || !fn.body) return [];
  const roots = new Set<ts.Symbol>();
  const addNames = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) {
      const s = checker.getSymbolAtLocation(name);
      if (s) roots.add(s);
    } else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addNames(el.name);
  };
  addNames(param.name);
  const seen = new Set<ts.Symbol>();
  const rooted = (expr: ts.Expression): boolean => {
    const e = skipOuter(expr);
    if (ts.isIdentifier(e)) return symbolRooted(checker.getSymbolAtLocation(e));
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return rooted(e.expression);
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && READERS.has(e.expression.name.text)) return rooted(e.expression.expression);
    return false;
  };
  const symbolRooted = (symbol: ts.Symbol | undefined): boolean => {
    if (!symbol) return false;
    if (roots.has(symbol)) return true;
    if (seen.has(symbol)) return false;
    seen.add(symbol);
    const decl = symbol.valueDeclaration;
    let found = false;
    if (decl && ts.isVariableDeclaration(decl)) {
      if (decl.initializer) found = rooted(decl.initializer);
      else if (ts.isVariableDeclarationList(decl.parent) && ts.isForOfStatement(decl.parent.parent)) found = rooted(decl.parent.parent.expression);
    } else if (decl && ts.isBindingElement(decl)) {
      let top: ts.Node = decl;
      while (ts.isBindingElement(top) || ts.isObjectBindingPattern(top) || ts.isArrayBindingPattern(top)) top = top.parent;
      if (ts.isVariableDeclaration(top)) {
        if (top.initializer) found = rooted(top.initializer);
        else if (ts.isVariableDeclarationList(top.parent) && ts.isForOfStatement(top.parent.parent)) found = rooted(top.parent.parent.expression);
      }
    } else if (decl && ts.isParameter(decl)) {
      const callback = decl.parent;
      const call = callback.parent;
      if ((ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && ITERATORS.has(call.expression.name.text)) {
        found = rooted(call.expression.expression);
      }
    }
    seen.delete(symbol);
    if (found) roots.add(symbol);
    return found;
  };
  const writesInput = (target: ts.Expression): boolean => {
    const e = skipOuter(target);
    return (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && rooted(e.expression);
  };
  const out: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      if (writesInput(node.left)) out.push(node);
    } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) {
      if (writesInput(node.operand)) out.push(node);
    } else if (ts.isDeleteExpression(node)) {
      if (writesInput(node.expression)) out.push(node);
    } else if (ts.isCallExpression(node)) {
      const callee = skipOuter(node.expression);
      if (ts.isPropertyAccessExpression(callee) && MUTATORS.has(callee.name.text) && rooted(callee.expression)) out.push(node);
      else if (WRITERS.has(callee.getText()) && node.arguments[0] && rooted(node.arguments[0])) out.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(fn.body);
  return out;
}

function skipOuter(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isNonNullExpression(x) || ts.isSatisfiesExpression(x) || ts.isTypeAssertionExpression(x)) x = x.expression;
  return x;
}
