import { existsSync } from 'node:fs';
import { locationDerived } from '../../compare/module-location.js';
import { locationOf, type ModuleLocation, type ModuleInstance } from '../runner/instance.js';
import { readBinding, writeBinding } from '../runner/live-bindings.js';
import type { ModuleGraph } from '../runner/module-graph.js';
import type { PreparedModule } from './prepare.js';

/**
 * Where each module lives follows the version that runs. `baton update kv
 * releases/v2` moves every module from releases/v1 to releases/v2: code that
 * reads its location (`import.meta.url`, `import.meta.dirname`, a CommonJS
 * module's `__dirname`) must find v2's files (its templates, its data, a
 * file v1 did not have), and still find them once releases/v1 is deleted.
 * Dynamic imports already resolve in the new version's tree.
 *
 * Top-level bindings computed from the location (`const ROOT =
 * dirname(fileURLToPath(import.meta.url))`, and those computed from them in
 * the same module, `const VIEWS = join(ROOT, 'views')`) are computed again
 * at commit in the live module's scope, in declaration order: a path of the
 * old release is not state. Module code still runs once otherwise. A value
 * a library kept at start-up (a static-files middleware given the path)
 * keeps the old path. A module whose new file is not on disk (a rollback to
 * a deleted directory, restored from baton's copy) stays where it is.
 */
export class Relocation {
  private moved = false;
  private readonly written: Array<{ instance: ModuleInstance; name: string; old: unknown }> = [];

  private constructor(private readonly moves: readonly Move[]) {}

  /** Compiles what the commit runs; touches nothing. */
  static prepare(graph: ModuleGraph, modules: readonly PreparedModule[]): Relocation {
    const moves: Move[] = [];
    for (const m of modules) {
      const instance = m.file === undefined ? undefined : graph.records.get(m.id)?.current;
      if (!instance || !m.file || instance.location.filename === m.file || !existsSync(m.file)) continue;
      const before = new Map(instance.compiled.bindings.map((b) => [b.name, b.init]));
      // A declaration the update changes is the live update's to handle (kept, recomputed, reinit).
      const same = (m.compiled?.bindings ?? []).filter((b) => before.get(b.name) === b.init).map((b) => b.name);
      const derived = locationDerived(instance.compiled.bindings.filter((b) => same.includes(b.name)));
      moves.push({
        // Named as the report names it once the update is applied.
        id: m.movedTo ?? m.id,
        instance,
        from: { ...instance.location },
        to: locationOf(m.file),
        // A CommonJS module's `__filename` and `__dirname` are its wrapper's parameters: set in its scope.
        params: instance.compiled.format === 'cjs' ? (instance.evaluate('(function (f, d) { __filename = f; __dirname = d; })') as (file: string, dir: string) => void) : undefined,
        values: derived.map((b) => ({ name: b.name, compute: instance.evaluate(`(function () { return (${b.init}); })`) as () => unknown })),
      });
    }
    return new Relocation(moves);
  }

  /** Per module that moved, the bindings computed again (for the report). */
  get recomputed(): Array<{ id: string; names: string[] }> {
    return this.moves.filter((m) => m.values.length > 0).map((m) => ({ id: m.id, names: m.values.map((v) => v.name) }));
  }

  /** At commit, before the live modules' new code runs: the new location. Cannot fail. */
  move(): void {
    for (const m of this.moves) setLocation(m, m.to);
    this.moved = true;
  }

  /** At commit, right after `move` and before the live modules: the derived bindings. A throw undoes everything and aborts the update. */
  recompute(): void {
    for (const m of this.moves) {
      for (const v of m.values) {
        const next = v.compute();
        this.written.push({ instance: m.instance, name: v.name, old: readBinding(m.instance, v.name) });
        writeBinding(m.instance, v.name, next);
      }
    }
  }

  undo(): void {
    for (const w of this.written.reverse()) writeBinding(w.instance, w.name, w.old);
    this.written.length = 0;
    if (this.moved) for (const m of this.moves) setLocation(m, m.from);
    this.moved = false;
  }
}

interface Move {
  readonly id: string;
  readonly instance: ModuleInstance;
  readonly from: ModuleLocation;
  readonly to: ModuleLocation;
  readonly params: ((file: string, dir: string) => void) | undefined;
  readonly values: ReadonlyArray<{ readonly name: string; readonly compute: () => unknown }>;
}

function setLocation(m: Move, to: ModuleLocation): void {
  Object.assign(m.instance.location, to);
  m.params?.(to.filename, to.dirname);
}
