import ts from 'typescript';
import type { Untransferable } from '../protocol/handoff.js';
import { moduleShape } from './module-shape.js';
import { locationDerived } from '../compare/module-location.js';
import { topLevelInits, type PlanContext } from './plan-update.js';
import { libReference } from './type-facts.js';

/** A value a hand-off cannot move, found from the old version's types, at file:line. */
export interface TypedUntransferable extends Untransferable {
  readonly file: string;
  readonly line: number;
}

const CONTAINERS = new Set(['Map', 'ReadonlyMap', 'Set', 'ReadonlySet', 'Array', 'ReadonlyArray', 'Record']);
const LEAVES = new Set(['Date', 'RegExp', 'Error', 'ArrayBuffer', 'Buffer', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Uint8ClampedArray', 'DataView']);
const ITERATORS = new Set(['Iterator', 'IterableIterator', 'MapIterator', 'SetIterator', 'ArrayIterator', 'Generator', 'AsyncGenerator', 'IteratorObject', 'BuiltinIterator']);

/**
 * What `baton diff --handoff` names before anything runs: the old version's
 * top-level bindings that a hand-off would carry (the carry policy's
 * `notState` on types: code and handles stay behind) whose types hold
 * something no structured clone can move: a function, a handle, a Promise, a
 * WeakMap, an iterator, a symbol, an instance of a package's class. The
 * running program's check (`baton update --handoff --dry-run`) finds the same
 * in the values, and Proxies, which types do not show.
 */
export function untransferableTypes(ctx: PlanContext, reinit: ReadonlyMap<string, ReadonlySet<string>>): TypedUntransferable[] {
  const out: TypedUntransferable[] = [];
  const program = ctx.before.program;
  const checker = program.getTypeChecker();
  for (const [id, sf] of ctx.before.modules) {
    const shape = ctx.oldShapes.get(id) ?? moduleShape(program, sf);
    const located = new Set(locationDerived(topLevelInits(sf)).map((b) => b.name));
    for (const b of shape.bindings.values()) {
      if (b.notState !== undefined || reinit.get(id)?.has(b.name) || located.has(b.name)) continue;
      for (const found of walk(program, checker, b.type, '', new Set(), 0)) out.push({ module: id, binding: b.name, file: sf.fileName, line: b.line, ...found });
    }
  }
  return out;
}

function walk(program: ts.Program, checker: ts.TypeChecker, type: ts.Type, path: string, seen: Set<ts.Type>, depth: number): Array<{ path: string; what: string }> {
  if (seen.has(type) || depth > 8) return [];
  seen.add(type);
  if (type.isUnion() || type.isIntersection()) return type.types.flatMap((t) => walk(program, checker, t, path, seen, depth));
  if (type.flags & (ts.TypeFlags.ESSymbol | ts.TypeFlags.UniqueESSymbol)) return [{ path, what: 'a symbol (symbols are unique to a process)' }];
  if (!(type.flags & ts.TypeFlags.Object)) return [];
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return [{ path, what: 'a function: a closure\'s captured variables cannot be read or copied' }];
  const lib = libReference(program, checker, type);
  if (lib) {
    if (LEAVES.has(lib.name)) return [];
    // A top-level WeakMap or WeakSet moves by its entries for the objects that move (snapshot.ts), so its values must cross.
    if (depth === 0 && lib.name === 'WeakSet') return [];
    if (depth === 0 && lib.name === 'WeakMap') return lib.args.slice(1).flatMap((t) => walk(program, checker, t, `${path}.get(<an object that moves>)`, seen, depth + 1));
    if (lib.name === 'WeakMap' || lib.name === 'WeakSet' || lib.name === 'WeakRef') return [{ path, what: `a ${lib.name} inside another value (its keys cannot be listed, so it cannot be copied; a top-level one moves)` }];
    if (lib.name === 'Promise') return [{ path, what: 'a Promise (pending work of one process)' }];
    if (ITERATORS.has(lib.name)) return [{ path, what: `an iterator (${lib.name}): a position in one process's objects` }];
    if (CONTAINERS.has(lib.name)) return lib.args.flatMap((t) => walk(program, checker, t, `${path}${lib.name.endsWith('Array') ? '[]' : '.values()'}`, seen, depth + 1));
    const hasFn = (name: string) => {
      const p = checker.getPropertyOfType(type, name);
      return !!p && checker.getTypeOfSymbol(p).getCallSignatures().length > 0;
    };
    if (hasFn('unref') || (hasFn('on') && hasFn('emit'))) return [{ path, what: `a handle (${lib.name}): it belongs to one process` }];
    return [{ path, what: `an instance of ${lib.name}, a class of a package or of Node (only the app's own classes are revived in the new process)` }];
  }
  if (checker.isArrayType(type) || checker.isTupleType(type)) return checker.getTypeArguments(type as ts.TypeReference).flatMap((t) => walk(program, checker, t, `${path}[]`, seen, depth + 1));
  const isClass = ((type.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class) !== 0;
  const out: Array<{ path: string; what: string }> = [];
  for (const info of checker.getIndexInfosOfType(type)) out.push(...walk(program, checker, info.type, `${path}[key]`, seen, depth + 1));
  for (const p of checker.getPropertiesOfType(type)) {
    // A class's methods live on its prototype, which the new version brings: code, not state.
    if (isClass && p.flags & ts.SymbolFlags.Method) continue;
    if (!isClass && p.flags & ts.SymbolFlags.Method) {
      out.push({ path: `${path}.${p.getName()}`, what: 'a function: a closure\'s captured variables cannot be read or copied' });
      continue;
    }
    if (p.flags & ts.SymbolFlags.GetAccessor && isClass) continue;
    out.push(...walk(program, checker, checker.getNonNullableType(checker.getTypeOfSymbol(p)), `${path}.${p.getName()}`, seen, depth + 1));
  }
  return out;
}
