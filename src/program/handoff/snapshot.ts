import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import type { ModuleGraph } from '../runner/module-graph.js';
import type { TopLevelBinding } from '../runner/top-level.js';
import { reasonNotToCarry } from '../state/carry-policy.js';
import type { HistoryEntry } from '../../protocol/messages.js';
import type { Untransferable } from '../../protocol/handoff.js';
import { appClasses, explain, scanState, type ClassName } from './transferable.js';

/** A binding that crosses to the new process: its module, and what carrying needs to know of its old version. */
export interface BindingMeta {
  readonly module: string;
  readonly binding: Pick<TopLevelBinding, 'name' | 'kind' | 'init'>;
}

/** What the new process receives, as one structured clone (so references shared between bindings stay shared). */
export interface StatePayload {
  readonly bindings: readonly BindingMeta[];
  /** The bindings' values, in the same order. */
  readonly values: readonly unknown[];
  /** Objects whose class the clone drops, and the class of each (index into `classes`). */
  readonly instances: readonly object[];
  readonly classOf: readonly number[];
  readonly classes: readonly ClassName[];
  /** The program's update history, which `baton status` goes on showing from the new process. */
  readonly history: readonly HistoryEntry[];
}

/** The bindings an in-process update would carry (the same carry policy), minus those the update file reinitializes. */
export function collectBindings(graph: ModuleGraph, reinit: ReadonlyMap<string, ReadonlySet<string>>): { metas: BindingMeta[]; values: unknown[] } {
  const metas: BindingMeta[] = [];
  const values: unknown[] = [];
  for (const record of graph.records.values()) {
    const skip = reinit.get(record.id);
    for (const b of record.current.compiled.bindings) {
      if (b.kind === 'function' || b.kind === 'class' || skip?.has(b.name)) continue;
      const value = record.current.bindings[b.name]?.[0]();
      // Code and handles stay behind in-process too: the new version's top level made its own.
      if (reasonNotToCarry(value) !== undefined) continue;
      metas.push({ module: record.id, binding: { name: b.name, kind: b.kind, init: b.init } });
      values.push(value);
    }
  }
  return { metas, values };
}

/** Everything in the state that cannot cross, with module, binding and path; empty when all of it can. */
export function untransferable(graph: ModuleGraph, reinit: ReadonlyMap<string, ReadonlySet<string>>): Untransferable[] {
  const { metas, values } = collectBindings(graph, reinit);
  const classes = appClasses(graph);
  if (!scanState(values, classes).problem) return [];
  return metas.flatMap((m, i) => explain(m.module, m.binding.name, values[i], classes));
}

/**
 * Serializes the state (v8's structured clone: Maps, Sets, Dates, typed
 * arrays, shared references and cycles survive) with a table of the class of
 * every app class instance, which the clone would drop. Throws
 * `Untransferable[]` when something cannot cross.
 */
export function serializeState(graph: ModuleGraph, reinit: ReadonlyMap<string, ReadonlySet<string>>, history: readonly HistoryEntry[]): Buffer {
  const { metas, values } = collectBindings(graph, reinit);
  const classes = appClasses(graph);
  // Proxies were looked for before anything stopped (untransferable); one made since makes the clone throw.
  const scan = scanState(values, classes, { proxies: false });
  if (scan.problem) throw metas.flatMap((m, i) => explain(m.module, m.binding.name, values[i], classes));
  const payload: StatePayload = { bindings: metas, values, instances: scan.instances, classOf: scan.classOf, classes: scan.classes, history };
  return serialize(payload);
}

/**
 * The serialized state in a file only this user can read (a fresh 0700
 * directory; in memory, /dev/shm, where there is one): one write and one read,
 * where a pipe moved it 64 KiB per event-loop turn on each side (10 MB/s on a
 * loaded machine). The new process removes it once read; `remove` is for a
 * hand-off that failed before.
 */
export function writeStateFile(bytes: Uint8Array): { file: string; remove: () => void } {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'baton-handoff-'));
  const file = join(dir, 'state');
  writeFileSync(file, bytes, { mode: 0o600 });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
