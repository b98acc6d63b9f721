import ts from 'typescript';
import { fingerprint } from './fingerprint.js';
import { classFields, isClassSymbol, libReference, userDeclarationOf } from './type-facts.js';

/** A type in the program it belongs to: old and new types live in different programs. */
export interface TypeIn {
  readonly program: ts.Program;
  readonly type: ts.Type;
}

const MAX_DEPTH = 8;

/**
 * True when every value of the old type is already a value of the new one,
 * so state is carried as is: a widened union (`number` -> `number |
 * undefined`), an object or class that gained optional properties, a
 * container of such. Walks both types side by side (they come from two
 * programs, so the checker's own assignability cannot be asked); anything
 * it does not understand is a change.
 */
export function accepts(before: TypeIn, after: TypeIn, depth = 0): boolean {
  if (fingerprint(before.program, before.type) === fingerprint(after.program, after.type)) return true;
  if (depth > MAX_DEPTH) return false;
  const a = before.type;
  const b = after.type;
  if (a.isUnion()) return a.types.every((t) => accepts({ program: before.program, type: t }, after, depth + 1));
  if (b.isUnion()) return b.types.some((t) => accepts(before, { program: after.program, type: t }, depth + 1));
  if (!(a.flags & ts.TypeFlags.Object) || !(b.flags & ts.TypeFlags.Object)) return false;
  const ca = before.program.getTypeChecker();
  const cb = after.program.getTypeChecker();
  if (a.getCallSignatures().length || b.getCallSignatures().length || a.getConstructSignatures().length || b.getConstructSignatures().length) return false;
  const elements = (c: ts.TypeChecker, program: ts.Program, t: ts.Type) =>
    c.isArrayType(t) ? { name: 'Array', args: c.getTypeArguments(t as ts.TypeReference) } : c.isTupleType(t) ? undefined : libReference(program, c, t);
  const la = elements(ca, before.program, a);
  const lb = elements(cb, after.program, b);
  if (la || lb) {
    if (!la || !lb || la.name !== lb.name || la.args.length !== lb.args.length) return false;
    return la.args.every((t, i) => accepts({ program: before.program, type: t }, { program: after.program, type: lb.args[i]! }, depth + 1));
  }
  if (ca.isTupleType(a) || cb.isTupleType(b)) return false;
  const sa = a.getSymbol();
  const sb = b.getSymbol();
  const userClass = (s: ts.Symbol | undefined, program: ts.Program) => isClassSymbol(s) && !!userDeclarationOf(program, s);
  if (userClass(sa, before.program) || userClass(sb, after.program)) {
    // A class instance keeps its class: only the same class with compatible fields.
    if (!userClass(sa, before.program) || !userClass(sb, after.program) || sa!.getName() !== sb!.getName()) return false;
    return sameOrWider(
      classFields(ca, a).map((f) => ({ name: f.name, optional: f.optional, type: f.type })),
      classFields(cb, b).map((f) => ({ name: f.name, optional: f.optional, type: f.type })),
      before.program,
      after.program,
      depth,
    );
  }
  const props = (c: ts.TypeChecker, t: ts.Type) =>
    c.getPropertiesOfType(t).map((p) => ({ name: p.getName(), optional: (p.flags & ts.SymbolFlags.Optional) !== 0, type: c.getTypeOfSymbol(p) }));
  const ia = ca.getIndexInfosOfType(a);
  const ib = cb.getIndexInfosOfType(b);
  if (ia.length !== ib.length) return false;
  for (const info of ia) {
    const other = ib.find((i) => fingerprint(after.program, i.keyType) === fingerprint(before.program, info.keyType));
    if (!other || !accepts({ program: before.program, type: info.type }, { program: after.program, type: other.type }, depth + 1)) return false;
  }
  return sameOrWider(props(ca, a), props(cb, b), before.program, after.program, depth);
}

interface Member {
  readonly name: string;
  readonly optional: boolean;
  readonly type: ts.Type;
}

/** Every old member is in the new shape with a type that accepts it; every new member is optional or old. */
function sameOrWider(a: readonly Member[], b: readonly Member[], pa: ts.Program, pb: ts.Program, depth: number): boolean {
  const byName = new Map(b.map((m) => [m.name, m]));
  for (const m of a) {
    const n = byName.get(m.name);
    if (!n || (m.optional && !n.optional)) return false;
    if (!accepts({ program: pa, type: m.type }, { program: pb, type: n.type }, depth + 1)) return false;
    byName.delete(m.name);
  }
  return [...byName.values()].every((n) => n.optional);
}
