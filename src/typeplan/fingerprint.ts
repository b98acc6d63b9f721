import ts from 'typescript';
import { createHash } from 'node:crypto';
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
  let perProgram = FINGERPRINTERS.get(program);
  if (!perProgram) FINGERPRINTERS.set(program, (perProgram = [new Fingerprinter(program, false), new Fingerprinter(program, true)]));
  return perProgram[nominalClasses ? 1 : 0].of(type, 0);
}

// One per program and mode, so each named type is expanded once per program:
// a chain of 1,000 modules whose types refer to each other stays linear.
const FINGERPRINTERS = new WeakMap<ts.Program, [Fingerprinter, Fingerprinter]>();

const MAX_DEPTH = 12;

class Fingerprinter {
  private readonly checker: ts.TypeChecker;
  /** Types being expanded right now, to cut recursive types (`interface Node { next?: Node }`). */
  private readonly open: ts.Type[] = [];
  /** Named types the version declares, by the checker's type identity: `Name#hash of the expansion`. */
  private readonly named = new Map<ts.Type, string>();

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
    const known = this.named.get(type);
    if (known) return known;
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const isNamed = !!symbol && !symbol.getName().startsWith('__') && !!userDeclarationOf(this.program, symbol);
    this.open.push(type);
    try {
      // A named type starts a new depth budget: depth only bounds anonymous nesting.
      const expanded = this.object(type as ts.ObjectType, isNamed ? 0 : depth);
      if (!isNamed) return expanded;
      // A module namespace (`import * as m`) is named by its absolute path, which
      // differs between two version directories: its exports say what it is.
      const name = symbol.flags & ts.SymbolFlags.ValueModule ? 'module' : symbol.getName();
      const print = `${name}#${createHash('sha1').update(expanded).digest('base64url').slice(0, 12)}`;
      // An expansion cut short by a cycle (`@Name`) depends on where it was reached from.
      if (!expanded.includes('@')) this.named.set(type, print);
      return print;
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
      // A method is code, not state: a changed signature needs no transformer.
      const decl = prop.valueDeclaration;
      if (decl && (ts.isMethodSignature(decl) || ts.isMethodDeclaration(decl))) {
        parts.push(`${prop.getName()}${optional}()`);
        continue;
      }
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
