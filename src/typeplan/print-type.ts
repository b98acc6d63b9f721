import ts from 'typescript';
import { relative, sep } from 'node:path';
import { libReference, userDeclarationOf } from './type-facts.js';

/** One version's types, as a generated file can name them. */
export interface TypeSide {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  readonly root: string;
  /** The namespace a module's types are imported under (`Old_store`), recorded as used. */
  readonly namespaceOf: (moduleId: string) => string;
}

/**
 * Prints a type so that a file beside the new version can name it: the
 * version's own exported types through a namespace import of their module
 * (`Old_store.Entry`), library types by name, anything else spelled out.
 */
export function printType(side: TypeSide, type: ts.Type, depth = 0): string {
  const { checker } = side;
  const fallback = () => checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
  if (depth > 8) return fallback();
  const named = namedUserType(side, type);
  if (named) return named;
  if (type.isUnion()) {
    if (type.types.every((t) => !(t.flags & ts.TypeFlags.Object))) return fallback();
    return type.types.map((t) => printType(side, t, depth + 1)).join(' | ');
  }
  if (!(type.flags & ts.TypeFlags.Object)) return fallback();
  if (checker.isTupleType(type)) {
    return `[${checker.getTypeArguments(type as ts.TypeReference).map((t) => printType(side, t, depth + 1)).join(', ')}]`;
  }
  if (checker.isArrayType(type)) {
    const el = printType(side, checker.getTypeArguments(type as ts.TypeReference)[0]!, depth + 1);
    return /[|&\s]/.test(el) ? `Array<${el}>` : `${el}[]`;
  }
  const lib = libReference(side.program, checker, type);
  if (lib) return lib.args.length ? `${lib.name}<${lib.args.map((t) => printType(side, t, depth + 1)).join(', ')}>` : lib.name;
  if (type.getCallSignatures().length || type.getConstructSignatures().length) return fallback();
  const parts: string[] = [];
  for (const info of checker.getIndexInfosOfType(type)) {
    parts.push(`[key: ${checker.typeToString(info.keyType)}]: ${printType(side, info.type, depth + 1)}`);
  }
  for (const prop of checker.getPropertiesOfType(type)) {
    const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
    parts.push(`${propertyKey(prop.getName())}${optional ? '?' : ''}: ${printType(side, nonUndefined(checker, prop, optional), depth + 1)}`);
  }
  return parts.length ? `{ ${parts.join('; ')} }` : '{}';
}

/** `Old_store.Entry<...>` when the type is declared and exported by one of the version's modules. */
function namedUserType(side: TypeSide, type: ts.Type): string | undefined {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  const decl = userDeclarationOf(side.program, symbol);
  if (!symbol || !decl || !isNamedDeclaration(decl) || !isExported(decl)) return undefined;
  const file = relative(side.root, decl.getSourceFile().fileName);
  if (file.startsWith('..')) return undefined;
  const args = type.aliasSymbol ? type.aliasTypeArguments : (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? side.checker.getTypeArguments(type as ts.TypeReference) : undefined;
  const printed = args?.length ? `<${args.map((t) => printType(side, t)).join(', ')}>` : '';
  return `${side.namespaceOf(file.split(sep).join('/'))}.${symbol.getName()}${printed}`;
}

function isNamedDeclaration(decl: ts.Declaration): boolean {
  return ts.isInterfaceDeclaration(decl) || ts.isClassDeclaration(decl) || ts.isTypeAliasDeclaration(decl) || ts.isEnumDeclaration(decl);
}

function isExported(decl: ts.Declaration): boolean {
  return ts.canHaveModifiers(decl) && (ts.getModifiers(decl) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** An optional property's type without the `undefined` the checker adds to it. */
export function nonUndefined(checker: ts.TypeChecker, prop: ts.Symbol, optional: boolean): ts.Type {
  const type = checker.getTypeOfSymbol(prop);
  return optional ? checker.getNonNullableType(type) : type;
}

export function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}
