import ts from 'typescript';
import { classFields, isClassSymbol, libReference, userDeclarationOf } from './type-facts.js';

/**
 * A structural fingerprint of a type, comparable across two programs: every
 * alias, interface and class the version itself declares is expanded, so
 * `Map<string, Entry>` differs between versions when `Entry` does even though
 * the text `Map<string, Entry>` is the same. Library types are compared by
 * name and type arguments.
 *
 * With `nominalClasses`, a class instance counts only by its class name: the
 * difference between the two fingerprints of a binding is then the part that
 * class transformers take care of (they change instances in place).
 */
export function fingerprint(program: ts.Program, type: ts.Type, nominalClasses = false): string {
  return new Fingerprinter(program, nominalClasses).of(type, 0);
}

const MAX_DEPTH = 12;

class Fingerprinter {
  private readonly checker: ts.TypeChecker;
  /** Types being expanded right now, to cut recursive types (`interface Node { next?: Node }`). */
  private readonly open: ts.Type[] = [];

  constructor(
    private readonly program: ts.Program,
    private readonly nominalClasses: boolean,
  ) {
    this.checker = program.getTypeChecker();
  }

  of(type: ts.Type, depth: number): string {
    const text = () => this.checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
    if (depth > MAX_DEPTH) return text();
    if (type.isUnion() || type.isIntersection()) {
      const parts = type.types.map((t) => this.of(t, depth + 1)).sort();
      return parts.join(type.isUnion() ? '|' : '&');
    }
    if (type.flags & ts.TypeFlags.TypeParameter) return `<${text()}>`;
    if (!(type.flags & ts.TypeFlags.Object)) return text();
    if (this.open.includes(type)) return `@${type.getSymbol()?.getName() ?? 'self'}`;
    this.open.push(type);
    try {
      return this.object(type as ts.ObjectType, depth);
    } finally {
      this.open.pop();
    }
  }

  private object(type: ts.ObjectType, depth: number): string {
    const checker = this.checker;
    if (checker.isTupleType(type)) {
      return `[${checker.getTypeArguments(type as ts.TypeReference).map((t) => this.of(t, depth + 1)).join(',')}]`;
    }
    const lib = libReference(this.program, checker, type);
    if (lib) {
      const args = lib.args.map((t) => this.of(t, depth + 1));
      return args.length ? `${lib.name}<${args.join(',')}>` : lib.name;
    }
    const symbol = type.getSymbol();
    if (isClassSymbol(symbol) && userDeclarationOf(this.program, symbol) && type.getConstructSignatures().length === 0) {
      const name = `class ${symbol!.getName()}`;
      if (this.nominalClasses) return name;
      const fields = classFields(checker, type).map((f) => `${f.name}${f.optional ? '?' : ''}:${this.of(f.type, depth + 1)}`);
      return `${name}{${fields.sort().join(';')}}`;
    }
    const parts: string[] = [];
    for (const prop of checker.getPropertiesOfType(type)) {
      const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0 ? '?' : '';
      parts.push(`${prop.getName()}${optional}:${this.of(checker.getTypeOfSymbol(prop), depth + 1)}`);
    }
    parts.sort();
    for (const info of checker.getIndexInfosOfType(type)) {
      parts.push(`[${this.of(info.keyType, depth + 1)}]:${this.of(info.type, depth + 1)}`);
    }
    for (const sig of type.getCallSignatures()) parts.push(this.signature(sig, depth, ''));
    for (const sig of type.getConstructSignatures()) parts.push(this.signature(sig, depth, 'new'));
    return `{${parts.join(';')}}`;
  }

  private signature(sig: ts.Signature, depth: number, prefix: string): string {
    const params = sig.getParameters().map((p) => this.of(this.checker.getTypeOfSymbol(p), depth + 1));
    return `${prefix}(${params.join(',')})=>${this.of(sig.getReturnType(), depth + 1)}`;
  }
}
