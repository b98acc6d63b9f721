import ts from 'typescript';
import { fingerprint } from './fingerprint.js';
import { bindingType, classFields, classMethods, notStateReason, type FieldInfo } from './type-facts.js';

/** What one module holds at its top level, typed by the checker. */
export interface ModuleShape {
  readonly bindings: ReadonlyMap<string, BindingShape>;
  readonly classes: ReadonlyMap<string, ClassShape>;
}

export interface BindingShape {
  readonly name: string;
  readonly program: ts.Program;
  readonly declKind: 'let' | 'const' | 'var';
  readonly exported: boolean;
  readonly line: number;
  readonly node: ts.Identifier;
  readonly type: ts.Type;
  /** Set when the binding is code or a handle, not state: the new version's value is used, never a transformer. */
  readonly notState: string | undefined;
  /** The type as the checker prints it, for people. */
  readonly typeText: string;
  /** Structural fingerprint: changes when anything the type is made of changes. */
  readonly full: string;
  /** The same with class instances counted by class name only. */
  readonly nominal: string;
}

export interface ClassShape {
  readonly name: string;
  readonly exported: boolean;
  readonly line: number;
  readonly decl: ts.ClassDeclaration;
  readonly instanceType: ts.Type;
  readonly fields: readonly FieldShape[];
  readonly methods: readonly string[];
}

export interface FieldShape extends FieldInfo {
  readonly program: ts.Program;
  readonly typeText: string;
  readonly full: string;
  /** With class instances counted by class name: their changes are their class transformer's. */
  readonly nominal: string;
}

export function moduleShape(program: ts.Program, sf: ts.SourceFile): ModuleShape {
  const checker = program.getTypeChecker();
  const bindings = new Map<string, BindingShape>();
  const classes = new Map<string, ClassShape>();
  const text = (t: ts.Type) => checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation);
  for (const stmt of sf.statements) {
    const exported = ts.canHaveModifiers(stmt) && (ts.getModifiers(stmt) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isVariableStatement(stmt)) {
      const flags = stmt.declarationList.flags;
      const declKind = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
      for (const decl of stmt.declarationList.declarations) {
        for (const node of namesOf(decl.name)) {
          const type = bindingType(checker, node);
          bindings.set(node.text, {
            name: node.text,
            program,
            declKind,
            exported,
            line: lineOf(sf, node),
            node,
            type,
            notState: notStateReason(program, checker, type),
            typeText: text(type),
            full: fingerprint(program, type),
            nominal: fingerprint(program, type, true),
          });
        }
      }
    } else if (ts.isClassDeclaration(stmt) && stmt.name) {
      const symbol = checker.getSymbolAtLocation(stmt.name);
      if (!symbol) continue;
      const instanceType = checker.getDeclaredTypeOfSymbol(symbol);
      classes.set(stmt.name.text, {
        name: stmt.name.text,
        exported,
        line: lineOf(sf, stmt.name),
        decl: stmt,
        instanceType,
        fields: classFields(checker, instanceType).map((f) => ({ ...f, program, typeText: text(f.optional ? checker.getNonNullableType(f.type) : f.type), full: fingerprint(program, f.type), nominal: fingerprint(program, f.type, true) })),
        methods: classMethods(stmt),
      });
    }
  }
  return { bindings, classes };
}

function namesOf(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  const out: ts.Identifier[] = [];
  for (const el of name.elements) if (!ts.isOmittedExpression(el)) out.push(...namesOf(el.name));
  return out;
}

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}
