import { existsSync, statSync } from 'node:fs';
import { guardedTurn } from './watchdog.js';
import { join } from 'node:path';
import { BatonError } from '../../protocol/errors.js';
import { createInstance } from '../runner/instance.js';
import { releaseCells } from '../runner/slot-table.js';
import { pointNamespace, createNamespace } from '../runner/namespace.js';
import { ModuleGraph, type Linker } from '../runner/module-graph.js';
import { UPDATE_FILE, type UpdateSpec } from './update-spec.js';

/**
 * Evaluates the new version's transformer file, linked like the new version's
 * modules (so `new Entry(...)` in a transformer builds the new class).
 */
export async function loadUpdateSpec(graph: ModuleGraph, root: string, linker: Linker, limitMs = 5000): Promise<UpdateSpec | undefined> {
  const file = join(root, UPDATE_FILE);
  if (!existsSync(file)) return undefined;
  // Reading a FIFO would wait for a writer forever (and hold a thread of libuv's pool).
  if (!statSync(file).isFile()) throw new BatonError('E_BAD_DIR', `${file} is not a regular file`, 'the transformer file must be an ordinary TypeScript file');
  return loadUpdateSpecFile(graph, file, linker, limitMs);
}

/** A transformer file anywhere (`baton rollback --update-file`), evaluated like baton.update.ts. */
export async function loadUpdateSpecFile(graph: ModuleGraph, file: string, linker: Linker, limitMs = 5000): Promise<UpdateSpec | undefined> {
  const scope = ModuleGraph.newScope(UPDATE_FILE);
  const compiled = await ModuleGraph.compileFrom(file, scope);
  const instance = createInstance(UPDATE_FILE, file, scope, compiled);
  const ns = createNamespace();
  // Its top level runs under the watchdog, as the new version's modules do.
  let pending: Promise<void> = Promise.resolve();
  await guardedTurn(UPDATE_FILE, limitMs, () => {
    pending = graph.run(instance, linker, (i) => pointNamespace(ns, i.exports));
    pending.catch(() => undefined);
  });
  try {
    await pending;
  } finally {
    // Its functions' cells would keep it, and through its linker the whole staged version, for good
    // (an aborted update's included): they live as long as the spec that holds them.
    releaseCells(instance.compiled.slots.map((s) => s.cell), instance.ext);
  }
  const spec = instance.exports['default'];
  if (typeof spec !== 'object' || spec === null) {
    throw new BatonError('E_COMPILE', `${file} has no default export`, 'end it with `export default defineUpdate({ ... })`');
  }
  return spec as UpdateSpec;
}
