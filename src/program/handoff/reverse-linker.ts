import { isAbsolute } from 'node:path';
import type { ModuleInstance } from '../runner/instance.js';
import type { Linker, ModuleGraph } from '../runner/module-graph.js';
import type { Resolved } from '../runner/resolve.js';

/**
 * Links the update file of the version a hand-off back leaves (it sits in
 * that version's directory, `left`) in the process of the version returned
 * to: an import of a module of `left` is the running module with the same id,
 * as it is in process, where the update file's imports are the live modules
 * that the rollback changes back. Linking the files of `left` themselves
 * would evaluate the version being left inside the one returned to (a second
 * catalog, a second store) and change its identity.
 */
export function reverseLinker(graph: ModuleGraph, left: string): Linker {
  return {
    link(resolved: Resolved, from: ModuleInstance): Promise<object> {
      if (resolved.kind !== 'app') return graph.link(resolved, from);
      const id = graph.idOf(resolved.file, left);
      const inLeft = !id.startsWith('../') && !isAbsolute(id);
      return graph.link(inLeft && graph.records.has(id) ? { kind: 'app', file: graph.fileOf(id) } : resolved, from);
    },
  };
}
