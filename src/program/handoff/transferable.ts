import { EventEmitter } from 'node:events';
import { types } from 'node:util';
import type { ModuleGraph } from '../runner/module-graph.js';
import type { Untransferable } from '../../protocol/handoff.js';

/** A class of the app, named so the new process can find its own version of it: module id and binding. */
export interface ClassName {
  readonly module: string;
  readonly name: string;
}

/** Marks an object created with a null prototype (the structured clone gives it Object.prototype). */
export const NULL_PROTO: ClassName = { module: '', name: '' };

/**
 * Prototypes of the app's top-level classes, each named by module and
 * binding. An instance made before an in-process update may still have an
 * older prototype, chained to the newest one (class-migration.ts): the walk
 * follows the chain to a named one.
 */
export function appClasses(graph: ModuleGraph): Map<object, ClassName> {
  const out = new Map<object, ClassName>();
  for (const record of graph.records.values()) {
    for (const b of record.current.compiled.bindings) {
      if (b.kind !== 'class') continue;
      const value = record.current.bindings[b.name]?.[0]();
      if (typeof value === 'function' && typeof value.prototype === 'object' && value.prototype !== null) out.set(value.prototype as object, { module: record.id, name: b.name });
    }
  }
  return out;
}

const LEAVES: ReadonlyArray<abstract new (...args: never[]) => object> = [Date, RegExp, ArrayBuffer, Number, String, Boolean, Error];

/** What a prototype makes of its objects (a Proxy aside: its answers are its own). */
export type Kind =
  | { kind: 'problem'; what: string }
  | { kind: 'leaf' | 'array' | 'map' | 'set' | 'plain' }
  | { kind: 'instance'; cls: ClassName };

export function classify(value: object, classes: ReadonlyMap<object, ClassName>): Kind {
  // First: any other test would run the proxy's traps.
  if (types.isProxy(value)) return { kind: 'problem', what: 'a Proxy' };
  if (Array.isArray(value)) return { kind: 'array' };
  if (types.isMap(value)) return { kind: 'map' };
  if (types.isSet(value)) return { kind: 'set' };
  if (ArrayBuffer.isView(value) || LEAVES.some((c) => value instanceof c)) return { kind: 'leaf' };
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype) return { kind: 'plain' };
  if (proto === null) return { kind: 'instance', cls: NULL_PROTO };
  for (let p: object | null = proto, depth = 0; p !== null && depth < 64; p = Object.getPrototypeOf(p) as object | null, depth++) {
    const cls = classes.get(p);
    if (cls) return { kind: 'instance', cls };
  }
  return { kind: 'problem', what: whatIs(value) };
}

/** Names a value that cannot cross to another process, and why. */
function whatIs(value: object): string {
  if (value instanceof EventEmitter || typeof (value as { unref?: unknown }).unref === 'function') return `a handle (${ctorName(value)}): it belongs to this process`;
  if (types.isWeakMap(value) || types.isWeakSet(value)) return `a ${ctorName(value)} inside another value (its keys cannot be listed, so it cannot be copied; a top-level one moves)`;
  if (types.isPromise(value)) return 'a Promise (pending work of this process)';
  if (types.isMapIterator(value) || types.isSetIterator(value) || types.isGeneratorObject(value)) return `an iterator (${Object.prototype.toString.call(value).slice(8, -1)}): a position in this process's objects`;
  return `an instance of ${ctorName(value)}, which is not a top-level class of the app's modules (its class cannot be found in the new version)`;
}

function ctorName(value: object): string {
  const c = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof c?.name === 'string' && c.name !== '' ? c.name : Object.prototype.toString.call(value).slice(8, -1);
}

/**
 * The slow pass: names every value that cannot cross (at most `limit`), with
 * its path inside the binding's value. Run only when the fast pass found
 * something.
 */
export function explain(module: string, binding: string, root: unknown, classes: ReadonlyMap<object, ClassName>, limit = 20): Untransferable[] {
  const out: Untransferable[] = [];
  const seen = new Set<object>();
  const stack: Array<{ value: unknown; path: string }> = [{ value: root, path: '' }];
  while (stack.length > 0 && out.length < limit) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'function') {
      out.push({ module, binding, path, what: `a function (${value.name || 'anonymous'}): a closure's captured variables cannot be read or copied` });
      continue;
    }
    if (typeof value === 'symbol') {
      out.push({ module, binding, path, what: 'a symbol (symbols are unique to this process)' });
      continue;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    const kind = classify(value, classes);
    if (kind.kind === 'problem') {
      out.push({ module, binding, path, what: kind.what });
      continue;
    }
    if (kind.kind === 'array') (value as unknown[]).forEach((v, i) => stack.push({ value: v, path: `${path}[${i}]` }));
    else if (kind.kind === 'map') {
      for (const [k, v] of value as Map<unknown, unknown>) {
        const key = typeof k === 'string' ? JSON.stringify(k) : typeof k === 'number' ? String(k) : '<key>';
        stack.push({ value: k, path: `${path}.keys()` }, { value: v, path: `${path}.get(${key})` });
      }
    } else if (kind.kind === 'set') for (const v of value as Set<unknown>) stack.push({ value: v, path: `${path}.values()` });
    else if (kind.kind === 'plain' || kind.kind === 'instance') {
      for (const key of Object.keys(value)) stack.push({ value: (value as Record<string, unknown>)[key], path: `${path}.${key}` });
    }
  }
  return out;
}
