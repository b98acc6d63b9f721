import ts from 'typescript';
import { relative, sep } from 'node:path';
import type { ExternalTypes } from './external-types.js';
import { libReference, userDeclarationOf } from './type-facts.js';

/** One version's types, as a generated file can name them. */
export interface TypeSide {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  readonly root: string;
  /** The namespace a module's types are imported under (`Old_store`), recorded as used. */
  readonly namespaceOf: (moduleId: string) => string;
  /** Names for types from packages and workspace siblings. */
  readonly external: ExternalTypes;
  /** The namespace a package's types are imported under (`Ext_express`), recorded as used. */
  readonly packageNamespace: (specifier: string) => string;
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
  if (lib) {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const name = (symbol && externalName(side, symbol)) ?? (symbol ? checker.getFullyQualifiedName(symbol).replace(/^"[^"]*"\./, '') : lib.name);
    const args = symbol ? withoutDefaults(checker, symbol, lib.args) : lib.args;
    return args.length ? `${name}<${args.map((t) => printType(side, t, depth + 1)).join(', ')}>` : name;
  }
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
  const all = type.aliasSymbol ? type.aliasTypeArguments : (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? side.checker.getTypeArguments(type as ts.TypeReference) : undefined;
  const args = all && withoutDefaults(side.checker, symbol, all);
  const printed = args?.length ? `<${args.map((t) => printType(side, t)).join(', ')}>` : '';
  // A workspace sibling (`@app/common`): named the way the version imports it.
  if (file.startsWith('..')) {
    const name = externalName(side, symbol);
    return name && `${name}${printed}`;
  }
  return `${side.namespaceOf(file.split(sep).join('/'))}.${symbol.getName()}${printed}`;
}

/** `Ext_express.RequestHandler` for a type a package exports, undefined for a global one. */
function externalName(side: TypeSide, symbol: ts.Symbol): string | undefined {
  const found = side.external.nameOf(symbol);
  return found && `${side.packageNamespace(found.specifier)}.${found.name}`;
}

/**
 * Type arguments without the trailing ones that equal their parameter's
 * default (`Socket<DefaultEventsMap, ..., any>` is `Socket`): the defaults
 * often name types the package does not export.
 */
function withoutDefaults(checker: ts.TypeChecker, symbol: ts.Symbol, args: readonly ts.Type[]): readonly ts.Type[] {
  const params = symbol.declarations?.flatMap((d) => [...ts.getEffectiveTypeParameterDeclarations(d as ts.DeclarationWithTypeParameters)]) ?? [];
  // A default may name an earlier parameter (`EmitEvents = ListenEvents`): it then stands for that argument.
  const paramTypes = params.map((p) => checker.getTypeAtLocation(p));
  const defaultOf = (i: number): ts.Type | undefined => {
    const d = params[i]!.default;
    if (!d) return undefined;
    const t = checker.getTypeAtLocation(d);
    const earlier = paramTypes.indexOf(t);
    return earlier >= 0 && earlier < i ? args[earlier] : t;
  };
  let n = Math.min(args.length, params.length);
  while (n > 0 && defaultOf(n - 1) === args[n - 1]) n--;
  return params.length ? args.slice(0, n) : args;
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
