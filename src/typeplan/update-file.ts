import ts from 'typescript';

/** One transformer a `baton.update.ts` declares, located in its source. */
export interface DeclaredTransformer {
  readonly section: 'bindings' | 'classes';
  /** Declared under `reverse`: runs on rollback, from the new version to the old. */
  readonly reverse: boolean;
  readonly module: string;
  readonly name: string;
  /** The property `name: ...` in the file (for its line). */
  readonly node: ts.Node;
  /** The function itself: the binding transformer, or a class transformer's `fields`. */
  readonly fn: ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration | undefined;
}

/** A whole-program hook (`program: (state) => { ... }`), forward or under `reverse`. */
export interface DeclaredHook {
  readonly name: 'program';
  readonly reverse: boolean;
  readonly node: ts.Node;
  readonly fn: ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration | undefined;
}

/** Where each section's object literal sits, for tools that add entries to the file. */
export interface UpdateFileLayout {
  readonly spec: ts.ObjectLiteralExpression | undefined;
  readonly sections: ReadonlyMap<'bindings' | 'classes', ts.ObjectLiteralExpression>;
  readonly modules: ReadonlyMap<string, ts.ObjectLiteralExpression>;
  /** The same under `reverse: { ... }`, and that object itself. */
  readonly reverse: ts.ObjectLiteralExpression | undefined;
  readonly reverseSections: ReadonlyMap<'bindings' | 'classes', ts.ObjectLiteralExpression>;
  readonly reverseModules: ReadonlyMap<string, ts.ObjectLiteralExpression>;
}

/**
 * Reads the transformers a transformer file declares, from its syntax:
 * `export default defineUpdate({ bindings: {...}, classes: {...}, reverse: {...} })`
 * (or a plain object). Computed keys and spreads are not followed.
 */
export function readUpdateFile(sf: ts.SourceFile): { transformers: DeclaredTransformer[]; hooks: DeclaredHook[]; layout: UpdateFileLayout } {
  const transformers: DeclaredTransformer[] = [];
  const hooks: DeclaredHook[] = [];
  const spec = specObject(sf);
  const sections = new Map<'bindings' | 'classes', ts.ObjectLiteralExpression>();
  const modules = new Map<string, ts.ObjectLiteralExpression>();
  const reverseSections = new Map<'bindings' | 'classes', ts.ObjectLiteralExpression>();
  const reverseModules = new Map<string, ts.ObjectLiteralExpression>();
  let reverseSpec: ts.ObjectLiteralExpression | undefined;
  const visit = (obj: ts.ObjectLiteralExpression, reverse: boolean): void => {
    for (const [key, value] of entries(obj)) {
      if (key === 'reverse' && !reverse && ts.isObjectLiteralExpression(value)) {
        reverseSpec = value;
        visit(value, true);
      }
      if (key === 'program') {
        const fn = ts.isMethodDeclaration(value) ? value : ts.isExpression(value) ? asFunction(value) : undefined;
        hooks.push({ name: 'program', reverse, node: value, fn });
      }
      if ((key !== 'bindings' && key !== 'classes') || !ts.isObjectLiteralExpression(value)) continue;
      (reverse ? reverseSections : sections).set(key, value);
      for (const [module, perModule] of entries(value)) {
        if (!ts.isObjectLiteralExpression(perModule)) continue;
        (reverse ? reverseModules : modules).set(`${key}\0${module}`, perModule);
        for (const prop of perModule.properties) {
          const name = keyOf(prop);
          if (name === undefined) continue;
          transformers.push({ section: key, reverse, module, name, node: prop, fn: functionOf(prop, key) });
        }
      }
    }
  };
  if (spec) visit(spec, false);
  return { transformers, hooks, layout: { spec, sections, modules, reverse: reverseSpec, reverseSections, reverseModules } };
}

function specObject(sf: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  for (const stmt of sf.statements) {
    if (!ts.isExportAssignment(stmt) || stmt.isExportEquals) continue;
    let expr: ts.Expression = stmt.expression;
    while (ts.isParenthesizedExpression(expr) || ts.isSatisfiesExpression(expr) || ts.isAsExpression(expr)) expr = expr.expression;
    if (ts.isCallExpression(expr)) expr = expr.arguments[0] ?? expr;
    if (ts.isObjectLiteralExpression(expr)) return expr;
  }
  return undefined;
}

function* entries(obj: ts.ObjectLiteralExpression): Generator<[string, ts.Node]> {
  for (const prop of obj.properties) {
    const key = keyOf(prop);
    if (key === undefined) continue;
    if (ts.isPropertyAssignment(prop)) yield [key, prop.initializer];
    else if (ts.isShorthandPropertyAssignment(prop)) yield [key, prop.name];
    else if (ts.isMethodDeclaration(prop)) yield [key, prop];
  }
}

function keyOf(prop: ts.ObjectLiteralElementLike): string | undefined {
  const name = prop.name;
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

function functionOf(prop: ts.ObjectLiteralElementLike, section: 'bindings' | 'classes'): DeclaredTransformer['fn'] {
  if (section === 'bindings') {
    if (ts.isMethodDeclaration(prop)) return prop;
    return ts.isPropertyAssignment(prop) ? asFunction(prop.initializer) : undefined;
  }
  if (!ts.isPropertyAssignment(prop) || !ts.isObjectLiteralExpression(prop.initializer)) return undefined;
  for (const inner of prop.initializer.properties) {
    if (keyOf(inner) !== 'fields') continue;
    if (ts.isMethodDeclaration(inner)) return inner;
    if (ts.isPropertyAssignment(inner)) return asFunction(inner.initializer);
  }
  return undefined;
}

function asFunction(node: ts.Expression): ts.ArrowFunction | ts.FunctionExpression | undefined {
  let e = node;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return ts.isArrowFunction(e) || ts.isFunctionExpression(e) ? e : undefined;
}
