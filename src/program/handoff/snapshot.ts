import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writevSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleGraph } from '../runner/module-graph.js';
import type { TopLevelBinding } from '../runner/top-level.js';
import { reasonNotToCarry } from '../state/carry-policy.js';
import { locationDerived } from '../../compare/module-location.js';
import type { HistoryEntry } from '../../protocol/messages.js';
import type { Untransferable } from '../../protocol/handoff.js';
import { CannotCross, Encoder } from './encode.js';
import { sections, type WeakBinding } from './state-format.js';
import { appClasses, explain, type ClassName } from './transferable.js';
import { types } from 'node:util';

/** A binding that crosses to the new process: its module, and what carrying needs to know of its old version. */
export interface BindingMeta {
  readonly module: string;
  readonly binding: Pick<TopLevelBinding, 'name' | 'kind' | 'init'>;
}

/** What crosses: the bindings an in-process update would carry (the same carry policy), minus those the update file reinitializes. */
interface Collected {
  readonly metas: BindingMeta[];
  readonly values: unknown[];
  /** Top-level WeakMaps and WeakSets, whose entries cross for the keys that do. */
  readonly weak: WeakBinding[];
  readonly weakValues: Array<WeakMap<object, unknown> | WeakSet<object>>;
}

function collectBindings(graph: ModuleGraph, reinit: ReadonlyMap<string, ReadonlySet<string>>): Collected {
  const out: Collected = { metas: [], values: [], weak: [], weakValues: [] };
  for (const record of graph.records.values()) {
    const skip = reinit.get(record.id);
    const located = new Set(locationDerived(record.current.compiled.bindings).map((b) => b.name));
    for (const b of record.current.compiled.bindings) {
      if (b.kind === 'function' || b.kind === 'class' || skip?.has(b.name) || located.has(b.name)) continue;
      const value = record.current.bindings[b.name]?.[0]();
      // Code and handles stay behind in-process too: the new version's top level made its own.
      if (reasonNotToCarry(value) !== undefined) continue;
      // Its keys cannot be listed, but the objects that cross can each be asked for (Encoder.writeWeak).
      if (types.isWeakMap(value) || types.isWeakSet(value)) {
        out.weak.push({ module: record.id, name: b.name, kind: types.isWeakMap(value) ? 'map' : 'set' });
        out.weakValues.push(value as WeakMap<object, unknown> | WeakSet<object>);
        continue;
      }
      out.metas.push({ module: record.id, binding: { name: b.name, kind: b.kind, init: b.init } });
      out.values.push(value);
    }
  }
  return out;
}

/** Everything in the state that cannot cross, with module, binding and path; empty when all of it can. */
export function untransferable(graph: ModuleGraph, reinit: ReadonlyMap<string, ReadonlySet<string>>): Untransferable[] {
  try {
    // The same walk as the transfer's (one rule, one implementation), writing nothing.
    encodeState(graph, reinit, 'check');
    return [];
  } catch (error) {
    if (Array.isArray(error)) return error as Untransferable[];
    throw error;
  }
}

/**
 * Encodes the state (encode.ts: Maps, Sets, Dates, typed arrays, shared
 * references, cycles, and the class of every app class instance) into the
 * sections of the state file. Throws `Untransferable[]` when something
 * cannot cross.
 */
export function serializeState(graph: ModuleGraph, reinit: ReadonlyMap<string, ReadonlySet<string>>, history: readonly HistoryEntry[]): Uint8Array[] {
  const { encoder, collected } = encodeState(graph, reinit, 'transfer');
  return sections(encoder.finish(collected.metas, collected.weak, history));
}

function encodeState(graph: ModuleGraph, reinit: ReadonlyMap<string, ReadonlySet<string>>, mode: 'check' | 'transfer'): { encoder: Encoder; collected: Collected } {
  const collected = collectBindings(graph, reinit);
  const { metas, values } = collected;
  const classes = appClasses(graph);
  const encoder = new Encoder(classes, mode);
  values.forEach((value, i) => {
    try {
      encoder.write(value);
    } catch (error) {
      // The slow pass names what cannot cross, in every binding.
      if (error instanceof CannotCross) throw metas.flatMap((m, j) => explain(m.module, m.binding.name, values[j], classes));
      const { module, binding } = metas[i]!;
      if (error instanceof RangeError) throw [{ module, binding: binding.name, path: '', what: `a structure nested too deep to walk (${error.message})` }];
      throw error;
    }
  });
  try {
    encoder.writeWeak(collected.weakValues);
  } catch (error) {
    if (!(error instanceof CannotCross)) throw error;
    // A value a weak entry holds: named by the binding it is kept in.
    throw collected.weak.flatMap((w, j) => explainWeak(w, collected.weakValues[j]!, encoder, classes));
  }
  return { encoder, collected };
}

/** What cannot cross among a weak binding's entries for the objects that do. */
function explainWeak(w: WeakBinding, weak: WeakMap<object, unknown> | WeakSet<object>, encoder: Encoder, classes: ReadonlyMap<object, ClassName>): Untransferable[] {
  if (w.kind === 'set') return [];
  const map = weak as WeakMap<object, unknown>;
  return encoder.objects().flatMap((key) => (map.has(key) ? explain(w.module, w.name, map.get(key), classes, 5).map((u) => ({ ...u, path: `.get(<an object that moves>)${u.path}` })) : []));
}

/**
 * The serialized state in a file only this user can read (a fresh 0700
 * directory; in memory, /dev/shm, where there is one): one write and one read,
 * where a pipe moved it 64 KiB per event-loop turn on each side (10 MB/s on a
 * loaded machine). The new process removes it once read; `remove` is for a
 * hand-off that failed before.
 */
export function writeStateFile(parts: readonly Uint8Array[]): { file: string; remove: () => void } {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'baton-handoff-'));
  const file = join(dir, 'state');
  const fd = openSync(file, 'wx', 0o600);
  try {
    // The sections as they are, no copy into one buffer; writev may write less than asked.
    let pending = parts.filter((p) => p.length > 0);
    while (pending.length > 0) {
      let written = writevSync(fd, pending);
      while (pending.length > 0 && written >= pending[0]!.length) written -= pending.shift()!.length;
      if (written > 0) pending[0] = pending[0]!.subarray(written);
    }
  } finally {
    closeSync(fd);
  }
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
