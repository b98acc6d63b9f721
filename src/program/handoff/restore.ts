import { types } from 'node:util';
import { BatonError } from '../../protocol/errors.js';
import type { BindingReport } from '../../protocol/outcome.js';
import type { ModuleGraph } from '../runner/module-graph.js';
import { carryBindings, type CarrySide } from './carry.js';
import { OldStateView } from '../state/old-state-view.js';
import { synchronousResult } from '../state/synchronous.js';
import type { UpdateSpec } from '../state/update-spec.js';
import { Decoder } from './decode.js';
import { fromBytes, type Header } from './state-format.js';
import type { ClassName } from './transferable.js';

export interface Restored {
  readonly bindings: Array<{ module: string } & BindingReport>;
  readonly instances: number;
  readonly history: Header['history'];
}

/**
 * In the new process, after its modules loaded: the old state takes the
 * place of what those bindings' initializers made. Class instances get the
 * new version's classes; then the update file's transformers run, as an
 * in-process reload runs them (`carryBindings`, the same function), and its
 * class transformers on every transferred instance.
 */
export function restoreState(graph: ModuleGraph, bytes: Buffer, spec: UpdateSpec | undefined): Restored {
  const encoded = fromBytes(bytes);
  const { header } = encoded;
  const transformed = new Set(header.classes.flatMap((c, i) => (spec?.classes?.[c.module]?.[c.name] ? [i] : [])));
  const decoder = new Decoder(encoded, header.classes.map((c) => prototypeIn(graph, c)), transformed);
  const payload = { bindings: header.bindings, values: header.bindings.map(() => decoder.read()) };
  const weakEntries = decoder.readWeak(header.weakEntries);

  const bindings: Restored['bindings'] = [];
  const byModule = new Map<string, number[]>();
  payload.bindings.forEach((m, i) => byModule.set(m.module, [...(byModule.get(m.module) ?? []), i]));
  for (const [id, indices] of byModule) {
    const record = graph.records.get(id);
    if (!record) {
      for (const i of indices) bindings.push({ module: id, name: payload.bindings[i]!.binding.name, how: 'dropped' });
      continue;
    }
    const old: CarrySide = {
      id,
      compiled: { bindings: indices.map((i) => payload.bindings[i]!.binding) },
      bindings: Object.fromEntries(indices.map((i) => [payload.bindings[i]!.binding.name, [() => payload.values[i], () => undefined] as const])),
    };
    const reports = carryBindings(old, record.current, spec?.bindings?.[id] ?? {});
    // A binding the old version did not transfer keeps what the new top level made: not worth listing.
    const sent = new Set(indices.map((i) => payload.bindings[i]!.binding.name));
    bindings.push(...reports.filter((r) => sent.has(r.name)).map((r) => ({ module: id, ...r })));
  }
  bindings.push(...restoreWeak(graph, header.weak, weakEntries));
  transformInstances(header.classes, decoder.instances, spec);
  return { bindings, instances: decoder.revived, history: header.history };
}

/**
 * The new version's top-level WeakMaps and WeakSets of the same names (its
 * top level made them) take the old entries whose keys crossed: a cache
 * keyed by moved objects, and the `#private` fields of moved instances,
 * which esbuild keeps in a WeakMap per field.
 */
function restoreWeak(graph: ModuleGraph, weak: Header['weak'], entries: ReadonlyArray<{ weak: number; key: object; value: unknown }>): Restored['bindings'] {
  const counts = weak.map(() => 0);
  const targets = weak.map((w) => {
    const value = graph.records.get(w.module)?.current.bindings[w.name]?.[0]();
    return (w.kind === 'map' ? types.isWeakMap(value) : types.isWeakSet(value)) ? (value as WeakMap<object, unknown> | WeakSet<object>) : undefined;
  });
  for (const e of entries) {
    const target = targets[e.weak];
    if (!target) continue;
    if (target instanceof WeakMap) target.set(e.key, e.value);
    else target.add(e.key);
    counts[e.weak]!++;
  }
  return weak.map((w, i) =>
    targets[i]
      ? { module: w.module, name: w.name, how: 'carried' as const, note: `${counts[i]} entries, for the objects that moved` }
      : { module: w.module, name: w.name, how: 'dropped' as const, note: `the new version has no ${w.kind === 'map' ? 'WeakMap' : 'WeakSet'} named ${w.name}` },
  );
}

/** The new version's prototype for an old instance's class; a class the new version lacks stops the hand-off. */
function prototypeIn(graph: ModuleGraph, c: ClassName): object {
  const value = graph.records.get(c.module)?.current.bindings[c.name]?.[0]();
  if (typeof value !== 'function' || typeof value.prototype !== 'object' || value.prototype === null) {
    throw new BatonError('E_HANDOFF_STATE', `the state holds instances of class ${c.name} of ${c.module}, which the new version does not have`, `keep the class in ${c.module}, or transform the bindings that hold its instances in baton.update.ts`);
  }
  return value.prototype as object;
}

/** Class transformers (`classes` in baton.update.ts): every transferred instance of the class gets its new fields. */
function transformInstances(classes: readonly ClassName[], instances: ReadonlyArray<readonly object[]>, spec: UpdateSpec | undefined): void {
  classes.forEach((c, index) => {
    const transformer = spec?.classes?.[c.module]?.[c.name];
    if (!transformer) return;
    const what = `the transformer of class ${c.name} in ${c.module}`;
    const view = new OldStateView(what);
    const updates: Array<[Record<string, unknown>, object]> = [];
    // Every result first: one that throws leaves every instance as it was (the hand-off then aborts).
    for (const instance of instances[index]!) {
      const fields = view.run((v) => synchronousResult(what, transformer.fields(v)), instance);
      if (typeof fields !== 'object' || fields === null) throw new TypeError(`${what} returned ${fields === null ? 'null' : typeof fields}, not an object of fields`);
      updates.push([instance as Record<string, unknown>, fields]);
    }
    for (const [target, fields] of updates) {
      for (const key of Object.keys(target)) if (!(key in fields)) delete target[key];
      Object.assign(target, fields);
    }
  });
}
