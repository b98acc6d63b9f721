import ts from 'typescript';

/**
 * Small questions about types and symbols that the fingerprint, the stub
 * printer and the checker share. "User" declarations are the ones in a
 * version's own sources; everything else (lib, @types, node_modules) is
 * compared by name.
 */
export function isUserDeclaration(program: ts.Program, decl: ts.Declaration): boolean {
  const sf = decl.getSourceFile();
  return !sf.isDeclarationFile && !program.isSourceFileDefaultLibrary(sf) && !program.isSourceFileFromExternalLibrary(sf);
}

export function userDeclarationOf(program: ts.Program, symbol: ts.Symbol | undefined): ts.Declaration | undefined {
  const decl = symbol?.declarations?.[0];
  return decl && isUserDeclaration(program, decl) ? decl : undefined;
}

export function isClassSymbol(symbol: ts.Symbol | undefined): boolean {
  return !!symbol && (symbol.flags & ts.SymbolFlags.Class) !== 0;
}

/** A data field of a class instance: a property declaration or a constructor parameter property. */
export interface FieldInfo {
  readonly name: string;
  readonly optional: boolean;
  /** `private` / `protected` in TypeScript: reachable from a transformer as `old['name']`. */
  readonly hidden: boolean;
  readonly type: ts.Type;
  readonly decl: ts.Declaration;
}

/**
 * The own data fields an instance of a class type carries (inherited ones
 * included), in declaration order. Methods and accessors live on the
 * prototype and are not state. `#private` fields are state like any other
 * (named `#name`): the instance holds them, and a change of their type breaks
 * the new code as surely as a public field's.
 */
export function classFields(checker: ts.TypeChecker, type: ts.Type): FieldInfo[] {
  const out: FieldInfo[] = [];
  for (const prop of checker.getPropertiesOfType(type)) {
    const decl = prop.valueDeclaration;
    if (!decl) continue;
    const isField = ts.isPropertyDeclaration(decl) || (ts.isParameter(decl) && ts.isConstructorDeclaration(decl.parent));
    if (!isField) continue;
    const flags = ts.getCombinedModifierFlags(decl);
    if (flags & ts.ModifierFlags.Static) continue;
    const isPrivateName = !!decl.name && ts.isPrivateIdentifier(decl.name);
    out.push({
      name: isPrivateName ? (decl.name as ts.PrivateIdentifier).text : prop.getName(),
      optional: (prop.flags & ts.SymbolFlags.Optional) !== 0,
      hidden: isPrivateName || (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0,
      type: checker.getTypeOfSymbol(prop),
      decl,
    });
  }
  return out;
}

/** Method and accessor names declared in a class body (static ones prefixed `static `). */
export function classMethods(decl: ts.ClassLikeDeclaration): string[] {
  const out: string[] = [];
  for (const m of decl.members) {
    if (!(ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m) || ts.isConstructorDeclaration(m))) continue;
    const name = ts.isConstructorDeclaration(m) ? 'constructor' : m.name.getText();
    const kind = ts.isGetAccessorDeclaration(m) ? 'get ' : ts.isSetAccessorDeclaration(m) ? 'set ' : '';
    const isStatic = (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Static) !== 0;
    out.push(`${isStatic ? 'static ' : ''}${kind}${name}`);
  }
  return [...new Set(out)];
}

/** The generic library container a type is an instance of (`Map<K, V>` -> `['Map', [K, V]]`). */
export function libReference(program: ts.Program, checker: ts.TypeChecker, type: ts.Type): { name: string; args: readonly ts.Type[] } | undefined {
  if (!(type.flags & ts.TypeFlags.Object)) return undefined;
  const alias = type.aliasSymbol;
  const aliasDecl = alias?.declarations?.[0];
  if (alias && aliasDecl && !isUserDeclaration(program, aliasDecl)) return { name: alias.getName(), args: type.aliasTypeArguments ?? [] };
  const symbol = type.getSymbol();
  const decl = symbol?.declarations?.[0];
  // Anonymous library types (`__type`, `__object`) are compared by structure.
  if (!symbol || !decl || isUserDeclaration(program, decl) || symbol.getName().startsWith('__')) return undefined;
  const args = (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(type as ts.TypeReference) : [];
  return { name: symbol.getName(), args };
}

/** The type a top-level binding holds, with `const x = 'a'` read as `string`. */
export function bindingType(checker: ts.TypeChecker, name: ts.Identifier): ts.Type {
  return checker.getBaseTypeOfLiteralType(checker.getTypeAtLocation(name));
}

export function nonNullable(type: ts.Type): { core: ts.Type[]; undef: boolean; nul: boolean } {
  const members = type.isUnion() ? type.types : [type];
  const core = members.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)));
  return {
    core,
    undef: members.some((t) => (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) !== 0),
    nul: members.some((t) => (t.flags & ts.TypeFlags.Null) !== 0),
  };
}

/**
 * True when every value of the old type is a value of the new one by the
 * fingerprints alone (`number` -> `number | undefined`): carried as is.
 */
export function isWidening(before: { type: ts.Type; program: ts.Program }, after: { type: ts.Type; program: ts.Program }, fp: (p: ts.Program, t: ts.Type) => string): boolean {
  if (!after.type.isUnion()) return false;
  const target = new Set(after.type.types.map((t) => fp(after.program, t)));
  const members = before.type.isUnion() ? before.type.types : [before.type];
  return members.every((t) => target.has(fp(before.program, t)));
}

/**
 * Why a binding of this type is not state, mirroring the runtime rule in
 * state/carry-policy.ts (code, tables of functions and handles take the new
 * version's value), or undefined when it is state and carried.
 */
export function notStateReason(program: ts.Program, checker: ts.TypeChecker, type: ts.Type): string | undefined {
  const isFn = (t: ts.Type) => t.getCallSignatures().length > 0 || t.getConstructSignatures().length > 0;
  if (isFn(type)) return 'code';
  if (!(type.flags & ts.TypeFlags.Object)) return undefined;
  const hasFnProp = (name: string) => {
    const p = checker.getPropertyOfType(type, name);
    return !!p && isFn(checker.getNonNullableType(checker.getTypeOfSymbol(p)));
  };
  if (hasFnProp('unref') || (hasFnProp('on') && hasFnProp('emit'))) return 'a handle (timer, server, socket or emitter)';
  const lib = libReference(program, checker, type);
  const elements: readonly ts.Type[] =
    lib && ['Map', 'ReadonlyMap', 'Set', 'ReadonlySet'].includes(lib.name) ? lib.args.slice(-1)
    : checker.isArrayType(type) ? checker.getTypeArguments(type as ts.TypeReference)
    : lib && lib.name !== 'Record' ? []
    : [...checker.getIndexInfosOfType(type).map((i) => i.type), ...checker.getPropertiesOfType(type).map((p) => checker.getTypeOfSymbol(p))];
  // Class instances are state (their methods live on the prototype); plain records of functions are code.
  const isClassless = (t: ts.Type) => ((t.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class) === 0;
  // As at run time: entries that are functions, or records of functions (`{ handler, arity }`).
  const holdsFn = (t: ts.Type) => isFn(t) || (!!(t.flags & ts.TypeFlags.Object) && !checker.isArrayType(t) && checker.getPropertiesOfType(t).some((p) => !!(p.flags & ts.SymbolFlags.Property) && isClassless(t) && isFn(checker.getNonNullableType(checker.getTypeOfSymbol(p)))));
  return elements.some((t) => holdsFn(checker.getNonNullableType(t))) ? 'a table of functions' : undefined;
}
