import ts from 'typescript';
import { fingerprint } from './fingerprint.js';
import { nonUndefined, printType, propertyKey, type TypeSide } from './print-type.js';
import { isClassSymbol, libReference, nonNullable, userDeclarationOf } from './type-facts.js';

/**
 * Generates the expression that turns an old value into a new one, walking
 * the types: containers (`Map`, `Set`, arrays, records), optional values and
 * objects are walked, and only a leaf that cannot be derived is left to the
 * developer, as a typed function that throws `TODO`. Obvious conversions
 * (same type, widened type, a new optional field, a field copied under its
 * new name) are filled in and noted.
 */
export class Converter {
  /** Helper functions of the generated file, in order. */
  readonly functions: string[] = [];
  /** Conversions filled in without asking, for the file's header. */
  readonly notes: string[] = [];
  todos = 0;
  private readonly named = new Map<string, string>();
  private readonly used = new Set<string>();

  constructor(
    readonly before: TypeSide,
    readonly after: TypeSide,
  ) {}

  /** Keeps generated names clear of names the file already uses. */
  reserve(name: string): void {
    this.used.add(name);
  }

  /** Takes over the names another converter of the same file generated. */
  reserveFrom(other: Converter): void {
    for (const name of other.used) this.used.add(name);
  }

  /**
   * `#private` fields cannot be read or set from outside their class, so a
   * class transformer cannot carry them: a TODO that says so, for the
   * developer to decide (usually: keep the field's type, or convert inside
   * the class on first use).
   */
  privateLeaf(from: ts.Type, label: string, names: readonly string[]): string {
    this.todos++;
    const name = this.unique(`convert${pascal(label)}Private`);
    const message = `TODO: ${label} ${names.join(', ')}: #private fields are out of reach of a transformer`;
    this.functions.push(
      `/** A transformer cannot read or write #private fields; decide what the new version does with them. */\nfunction ${name}(old: ${printType(this.before, from)}): {} {\n  throw new Error('${message.replace(/'/g, "\\'")}');\n}`,
    );
    return `${name}(old)`;
  }

  /** `expr` (of the old type) converted to the new type. `label` names the value in TODOs. */
  value(expr: string, from: ts.Type, to: ts.Type, label: string, depth = 0): string {
    if (fingerprint(this.before.program, from) === fingerprint(this.after.program, to)) {
      // Same shape, but a class with private members is nominal: the old class is not the new one to the compiler.
      return this.hasNominalClass(this.before, from, 0) ? `(${expr} as unknown as ${printType(this.after, to)})` : expr;
    }
    if (this.widened(from, to)) {
      this.notes.push(`${label}: ${this.show(from, to)} is a widening: carried as is`);
      return expr;
    }
    const o = nonNullable(from);
    const n = nonNullable(to);
    const [oCore, nCore] = [o.core.length === 1 ? o.core[0] : undefined, n.core.length === 1 ? n.core[0] : undefined];
    if (oCore && nCore && (o.undef || o.nul)) {
      if ((!o.undef || n.undef) && (!o.nul || n.nul)) {
        return `(${expr} == null ? ${expr} : ${this.value(`${expr}`, oCore, nCore, label, depth + 1)})`;
      }
      return this.leaf(expr, from, to, label);
    }
    if (this.sameClass(from, to)) {
      this.notes.push(`${label}: instances of class ${to.getSymbol()!.getName()} are transformed in place by its class transformer`);
      return `(${expr} as unknown as ${printType(this.after, to)})`;
    }
    const container = this.container(expr, from, to, label, depth);
    if (container) return container;
    if (this.isPlainObject(this.before, from) && this.isPlainObject(this.after, to)) {
      const name = this.namedObject(from, to);
      if (name) return `${name}(${expr})`;
      return this.object(expr, propsOf(this.before.checker, from), propsOf(this.after.checker, to), label, from);
    }
    return this.leaf(expr, from, to, label);
  }

  /** An object literal holding every field of the new shape, read from `expr` of the old shape. */
  object(expr: string, before: readonly Prop[], after: readonly Prop[], label: string, from: ts.Type): string {
    const oldByName = new Map(before.map((p) => [p.name, p]));
    const lines: string[] = [];
    const removed = before.filter((p) => !after.some((q) => q.name === p.name));
    for (const p of after) {
      const key = propertyKey(p.name);
      const o = oldByName.get(p.name);
      const sameTypeRemoved = (q: Prop) => removed.filter((r) => fingerprint(this.before.program, r.type) === fingerprint(this.after.program, q.type));
      if (o) {
        const read = access(expr, o);
        if (p.optional) {
          lines.push(`...(${read} === undefined ? {} : { ${key}: ${this.value(read, o.type, p.type, `${label}.${p.name}`)} }),`);
        } else if (o.optional) {
          lines.push(`${key}: ${this.leaf(expr, from, p.type, `${label}.${p.name} (optional before, required now)`)},`);
        } else {
          lines.push(`${key}: ${this.value(read, o.type, p.type, `${label}.${p.name}`)},`);
        }
        continue;
      }
      const candidates = sameTypeRemoved(p);
      const others = after.filter((q) => !oldByName.has(q.name) && sameTypeRemoved(q).length > 0);
      if (candidates.length === 1 && others.length === 1 && !candidates[0]!.optional) {
        this.notes.push(`${label}.${p.name}: copied from ${candidates[0]!.name} (a guess: the only removed field of its type)`);
        lines.push(`${key}: ${access(expr, candidates[0]!)}, // renamed from ${candidates[0]!.name} (a guess)`);
      } else if (p.optional) {
        this.notes.push(`${label}.${p.name}: new optional field, left unset (undefined)`);
        lines.push(`// ${key}: new optional field, left unset (undefined)`);
      } else {
        lines.push(`${key}: ${this.leaf(expr, from, p.type, `${label}.${p.name} (new field)`)},`);
      }
    }
    return `({\n${lines.map((l) => `  ${l}`).join('\n')}\n})`;
  }

  private container(expr: string, from: ts.Type, to: ts.Type, label: string, depth: number): string | undefined {
    const { checker: oc } = this.before;
    const a = oc.isArrayType(from) ? { name: 'Array', args: oc.getTypeArguments(from as ts.TypeReference) } : libReference(this.before.program, oc, from);
    const nc = this.after.checker;
    const b = nc.isArrayType(to) ? { name: 'Array', args: nc.getTypeArguments(to as ts.TypeReference) } : libReference(this.after.program, nc, to);
    const v = `v${depth}`;
    const k = `k${depth}`;
    if (a && b && a.name === b.name && a.args.length === b.args.length) {
      const [a0, a1] = a.args;
      const [b0, b1] = b.args;
      if ((a.name === 'Map' || a.name === 'ReadonlyMap') && a0 && a1 && b0 && b1) {
        const key = this.value(k, a0, b0, `${label} key`, depth + 1);
        const val = this.value(v, a1, b1, `${label} value`, depth + 1);
        return `new Map(Array.from(${expr}, ([${k}, ${v}]) => [${key}, ${val}] as const))`;
      }
      if ((a.name === 'Set' || a.name === 'ReadonlySet') && a0 && b0) {
        return `new Set(Array.from(${expr}, (${v}) => ${this.value(v, a0, b0, `${label} element`, depth + 1)}))`;
      }
      if ((a.name === 'Array' || a.name === 'ReadonlyArray') && a0 && b0) {
        return `${expr}.map((${v}) => ${this.value(v, a0, b0, `${label} element`, depth + 1)})`;
      }
    }
    const ai = recordValue(oc, from);
    const bi = recordValue(nc, to);
    if (ai && bi) {
      const val = this.value(v, ai, bi, `${label} value`, depth + 1);
      return `Object.fromEntries(Object.entries(${expr}).map(([${k}, ${v}]) => [${k}, ${val}] as const))`;
    }
    return undefined;
  }

  /** A named type on both sides (`Entry` -> `Entry`): one converter function, reused wherever it occurs. */
  private namedObject(from: ts.Type, to: ts.Type): string | undefined {
    const oldName = (from.aliasSymbol ?? from.getSymbol())?.getName();
    const newName = (to.aliasSymbol ?? to.getSymbol())?.getName();
    if (!oldName || !newName || oldName.startsWith('__') || !userDeclarationOf(this.after.program, to.aliasSymbol ?? to.getSymbol())) return undefined;
    const key = `${fingerprint(this.before.program, from)}=>${fingerprint(this.after.program, to)}`;
    const known = this.named.get(key);
    if (known) return known;
    const name = this.unique(`convert${pascal(newName)}`);
    this.named.set(key, name);
    const body = this.object('old', propsOf(this.before.checker, from), propsOf(this.after.checker, to), newName, from);
    this.functions.push(
      `function ${name}(old: ${printType(this.before, from)}): ${printType(this.after, to)} {\n  return ${body.replace(/\n/g, '\n  ')};\n}`,
    );
    return name;
  }

  /** The part left to the developer: a typed function whose body is a TODO. */
  leaf(expr: string, from: ts.Type, to: ts.Type, label: string): string {
    this.todos++;
    const name = this.unique(`convert${pascal(label)}`);
    const message = `TODO: convert ${label}: ${this.show(from, to)}`;
    this.functions.push(
      `/** Write this conversion; the walk around it is generated. */\nfunction ${name}(old: ${printType(this.before, from)}): ${printType(this.after, to)} {\n  throw new Error('${message.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}');\n}`,
    );
    return `${name}(${expr})`;
  }

  private hasNominalClass(side: TypeSide, t: ts.Type, depth: number): boolean {
    if (depth > 4) return false;
    if (t.isUnionOrIntersection()) return t.types.some((m) => this.hasNominalClass(side, m, depth + 1));
    if (!(t.flags & ts.TypeFlags.Object)) return false;
    const symbol = t.getSymbol();
    if (isClassSymbol(symbol) && userDeclarationOf(side.program, symbol)) {
      const hidden = side.checker.getPropertiesOfType(t).some((p) => {
        const decl = p.valueDeclaration;
        return !!decl && ((ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0 || (ts.isPropertyDeclaration(decl) && ts.isPrivateIdentifier(decl.name)));
      });
      if (hidden) return true;
    }
    const args = (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? side.checker.getTypeArguments(t as ts.TypeReference) : [];
    if (args.some((a) => this.hasNominalClass(side, a, depth + 1))) return true;
    if (isClassSymbol(symbol) || libReference(side.program, side.checker, t)) return false;
    return side.checker.getPropertiesOfType(t).some((p) => this.hasNominalClass(side, side.checker.getTypeOfSymbol(p), depth + 1));
  }

  private widened(from: ts.Type, to: ts.Type): boolean {
    const members = (t: ts.Type, program: ts.Program) => (t.isUnion() ? t.types : [t]).map((m) => fingerprint(program, m));
    const target = new Set(members(to, this.after.program));
    return to.isUnion() && members(from, this.before.program).every((m) => target.has(m));
  }

  private sameClass(from: ts.Type, to: ts.Type): boolean {
    return isClassSymbol(from.getSymbol()) && isClassSymbol(to.getSymbol()) && fingerprint(this.before.program, from, true) === fingerprint(this.after.program, to, true) && from.getConstructSignatures().length === 0;
  }

  private isPlainObject(side: TypeSide, t: ts.Type): boolean {
    return !!(t.flags & ts.TypeFlags.Object) && !t.isUnion() && !isClassSymbol(t.getSymbol()) && t.getCallSignatures().length === 0 && !side.checker.isArrayType(t) && !side.checker.isTupleType(t) && !libReference(side.program, side.checker, t);
  }

  private show(from: ts.Type, to: ts.Type): string {
    const f = ts.TypeFormatFlags.NoTruncation;
    return `${this.before.checker.typeToString(from, undefined, f)} -> ${this.after.checker.typeToString(to, undefined, f)}`;
  }

  private unique(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}${i}`;
    this.used.add(name);
    return name;
  }
}

/** A field or property, as the converter reads and writes it. */
export interface Prop {
  readonly name: string;
  readonly optional: boolean;
  readonly hidden?: boolean;
  readonly type: ts.Type;
}

function propsOf(checker: ts.TypeChecker, type: ts.Type): Prop[] {
  return checker.getPropertiesOfType(type).map((p) => {
    const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
    return { name: p.getName(), optional, type: nonUndefined(checker, p, optional) };
  });
}

function recordValue(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
  if (!(type.flags & ts.TypeFlags.Object) || checker.getPropertiesOfType(type).length) return undefined;
  return checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String)?.type;
}

function access(expr: string, p: Prop): string {
  return p.hidden || !/^[A-Za-z_$][\w$]*$/.test(p.name) ? `${expr}[${JSON.stringify(p.name)}]` : `${expr}.${p.name}`;
}

function pascal(label: string): string {
  return label
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
