import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ReachableWalk } from '../src/program/state/reachable.js';

// Unit tests of the state walk's bounds (pure logic): the walk that finds
// class instances for migrations must keep each slice short at any heap size,
// and must still visit everything and stop on cycles.
class Item {
  constructor(
    public a: number,
    public b: string,
  ) {}
}
class Node_ {
  next: Node_ | undefined;
  constructor(public id: number) {}
}
const APP = new Set<object>([Item.prototype, Node_.prototype]);

function drain(walk: ReachableWalk, visit: (v: object) => void, limit: number): number {
  let steps = 0;
  while (walk.step(visit, limit)) steps++;
  return steps + 1;
}

describe('the reachable-state walk', () => {
  it('visits every leaf of a large Map and every object of a cycle once, and stops, when leaves may be revisited', () => {
    const items = new Map<number, Item>();
    for (let i = 0; i < 50_000; i++) items.set(i, new Item(i, 'x'));
    const ring = [new Node_(0), new Node_(1), new Node_(2)];
    ring.forEach((n, i) => (n.next = ring[(i + 1) % ring.length]));
    const shared = new Item(-1, 'shared');
    const holders = [{ item: shared }, { item: shared }];
    const seen = new Map<object, number>();
    drain(new ReachableWalk([items, ring, holders], APP, true), (v) => seen.set(v, (seen.get(v) ?? 0) + 1), 500);
    for (const item of items.values()) assert.equal(seen.get(item), 1);
    for (const node of ring) assert.equal(seen.get(node), 1, 'a node of the cycle holds an object: visited once');
    // A leaf reached by two paths may be visited twice (the visitors that allow it do nothing the second time).
    assert.ok((seen.get(shared) ?? 0) >= 1);
  });

  it('visits a leaf reached by two paths once by default (visitors that collect)', () => {
    const shared = new Item(-1, 'shared');
    const seen = new Map<object, number>();
    drain(new ReachableWalk([[{ item: shared }, { item: shared }]], APP), (v) => seen.set(v, (seen.get(v) ?? 0) + 1), 10);
    assert.equal(seen.get(shared), 1);
  });

  it('counts every value it looks at against a step\'s limit, so a Map of many primitive keys takes many steps', () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) counts.set(i, i);
    let visited = 0;
    const steps = drain(new ReachableWalk([counts], APP, true), () => visited++, 100);
    assert.equal(visited, 1, 'only the Map itself is an object');
    // 20,000 primitives looked at, at most 100 per step.
    assert.ok(steps >= 200, `took ${steps} steps`);
  });
});
