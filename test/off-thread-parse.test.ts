import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { compileModule } from '../src/program/runner/compile.js';
import { runOffThread } from '../src/program/runner/compile-pool.js';
import { hasOutline, outlineSkeleton } from '../src/compare/skeleton-outline.js';
import { scanUpdateFileText } from '../src/compare/update-file-scan.js';
import { outlineAhead } from '../src/program/update/off-thread-parse.js';
import { compareModule } from '../src/compare/compare-module.js';

// What an update hands to the compile thread (skeleton outlines, the update
// file's scan) must be exactly what the program's thread would have computed
// itself: the comparison reads it as its own. Real compiles, the real worker.
const V1 = `export class Store {
  count = 0;
  static made = 0;
  constructor(public name: string, public size: number) {}
  get label(): string { return this.name + this.size; }
  add(n: number): void { this.size += n; }
}
export const config = { limit: 10, names: ['a'] };
export const limit = config.limit * 2;
export function make(name: string): Store { return new Store(name, 0); }
setInterval(() => undefined, 1000).unref();
`;
const V2 = `export class Store {
  count = 0;
  static made = 0;
  constructor(public name: string, public items: number[], public size: number) {}
  get label(): string { return this.name + ':' + this.size; }
  remove(n: number): void { this.size -= n; }
  async *[Symbol.asyncIterator]() { yield this.size; }
}
export const config = { limit: 20, names: ['a', 'b'] };
export const limit = config.limit * 2;
export const made = new Map<string, Store>();
export function make(name: string, size = 0): Store { return new Store(name, [], size); }
export default config;
`;
const UPDATE_FILE = `import { defineUpdate } from 'baton';
export default defineUpdate({
  bindings: { 'a.ts': { made: (old: Map<string, unknown>) => old } },
  classes: { 'store.ts': { Store: { mode: 'lazy', fields: (old: { name: string; size: number }) => ({ name: old.name, items: [], size: old.size }) } }, 'b.ts': {} },
  reinit: { 'store.ts': ['limit'] },
});
`;

describe('parses done on the compile thread', () => {
  it('outlines skeletons exactly as the program thread would, and keeps them for the comparison', async () => {
    const before = await compileModule(V1, '/app/store.ts', 'store.ts@1');
    const after = await compileModule(V2, '/app/store.ts', 'store.ts@1');
    assert.notEqual(before.skeleton, after.skeleton);
    const [a, b] = await runOffThread('outline', [before.skeleton, after.skeleton]);
    assert.deepEqual(a, outlineSkeleton(before.skeleton));
    assert.deepEqual(b, outlineSkeleton(after.skeleton));
    // The class outline carries what the comparison reads: members, fixed parts, heritage.
    const store = b!.find((s) => s.cls?.binding === 'Store' || s.names.includes('Store'));
    assert.ok(store?.cls, 'the new skeleton declares Store as a class');
    assert.ok(store.cls.methods.some((m) => m.key === 'remove'));
    assert.ok(!hasOutline(before.skeleton) && !hasOutline(after.skeleton));
    await outlineAhead([before.skeleton, after.skeleton]);
    assert.ok(hasOutline(before.skeleton) && hasOutline(after.skeleton), 'kept: planLive reads them without parsing');
    const change = compareModule('store.ts', before, after, { transformsClass: (name) => name === 'Store' });
    assert.equal(change.kind, 'live');
    if (change.kind !== 'live') return;
    // esbuild names the new default export's binding after the file.
    assert.deepEqual(change.plan.added, ['made', 'store_default']);
    assert.ok(change.plan.recomputed.includes('config') && change.plan.recomputed.includes('limit'), 'a changed constant and what derives from it');
    assert.deepEqual(change.plan.newClasses.map((c) => c.name), ['Store']);
  });

  it('gives undefined for a skeleton that does not parse, and keeps nothing for it', async () => {
    const broken = 'let x = (;';
    assert.deepEqual(await runOffThread('outline', [broken]), [undefined]);
    await outlineAhead([broken]);
    assert.ok(!hasOutline(broken));
  });

  it('scans an update file as the in-process scan does', async () => {
    const scan = await runOffThread('scan-update-file', UPDATE_FILE);
    assert.deepEqual(scan, await scanUpdateFileText(UPDATE_FILE));
    assert.deepEqual([...scan.modules].sort(), ['a.ts', 'b.ts', 'store.ts']);
    assert.deepEqual(scan.classes, [['store.ts', ['Store']], ['b.ts', []]]);
    assert.deepEqual(scan.reinit, [['store.ts', ['limit']]]);
  });
});
