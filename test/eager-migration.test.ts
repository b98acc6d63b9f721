import { strict as assert } from 'node:assert';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { baton, get, Program, writeVersions } from './helpers/baton.js';

// An eager class transformer while the program keeps working: a 1 ms timer
// constructs new instances that only its closure holds (out of reach of
// module state, made after V8's heap query) and writes new values into
// existing ones, all while the update prepares. "Applied" must mean every
// instance has the new fields, and none lost a write made during prepare
// (a result computed in prepare from a value changed since must not be used).
const SIZE = 50_000;

const store = (version: 1 | 2) =>
  version === 1
    ? `export class Item {
  constructor(public n: number, public tag: string) {}
  read(): string { return this.tag + ':' + this.n; }
}
export const items = new Map<number, Item>();
`
    : `export class Item {
  constructor(public n: number, public label: string) {}
  read(): string { return this.label + '/' + this.n; }
}
export const items = new Map<number, Item>();
`;

const MAIN = `import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Item, items } from './store.js';

for (let i = 0; i < ${SIZE}; i++) items.set(i, new Item(i, 't' + i));

function churn(): () => object {
  // Held by this closure only: the walk of module state never sees them.
  const made: object[] = [];
  const last = new Map<number, number>();
  let c = 0;
  setInterval(() => {
    for (let i = 0; i < 20; i++) made.push(new Item(++c, 'made'));
    for (let i = 0; i < 50; i++) {
      const k = (c * 7919 + i * 104729) % items.size;
      items.get(k)!.n = c * 1000 + i;
      last.set(k, c * 1000 + i);
    }
  }, 1);
  // Object.keys reads own fields without touching the old prototype's traps.
  const shape = (o: object) => Object.keys(o).join(',');
  return () => {
    const shapes: Record<string, number> = {};
    let lost = 0;
    for (const [k, item] of items) {
      shapes[shape(item)] = (shapes[shape(item)] ?? 0) + 1;
      if (item.n !== (last.get(k) ?? k)) lost++;
    }
    const madeShapes: Record<string, number> = {};
    for (const o of made) madeShapes[shape(o)] = (madeShapes[shape(o)] ?? 0) + 1;
    const wrongClass = [...items.values(), ...made].filter((o) => !(o instanceof Item) || Object.getPrototypeOf(o) !== Item.prototype).length;
    return { shapes, madeShapes, made: made.length, lost, wrongClass, sample: items.get(1)!.read() };
  };
}
const check = churn();

const server = createServer((req, res) => res.end(JSON.stringify(check())));
server.listen(0, '127.0.0.1', () => console.log(\`port \${(server.address() as AddressInfo).port}\`));
`;

const ROOT = writeVersions({
  v1: { 'store.ts': store(1), 'main.ts': MAIN },
  v2: {
    'store.ts': store(2),
    'main.ts': MAIN,
    'baton.update.ts': `import { defineUpdate } from 'baton';
export default defineUpdate({
  classes: { 'store.ts': { Item: { mode: 'eager', fields: (old: { n: number; tag: string }) => ({ n: old.n, label: old.tag + '#' }) } } },
});
`,
  },
});

interface State {
  shapes: Record<string, number>;
  madeShapes: Record<string, number>;
  made: number;
  lost: number;
  wrongClass: number;
  sample: string;
}

describe('eager class migration while the program constructs and writes instances', () => {
  let program: Program;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const name = `eager-${process.pid}`;
  const state = async () => JSON.parse(await get(port, '/', agent)) as State;

  before(async () => {
    program = new Program(['--name', name, join(ROOT, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
  });
  after(async () => {
    agent.destroy();
    await program.stop();
  });

  it('converts every instance, including those made during prepare that only a closure holds, and loses no write', async () => {
    const before = await state();
    assert.deepEqual(before.shapes, { 'n,tag': SIZE });
    assert.equal(before.lost, 0);

    const r = await baton(['update', name, join(ROOT, 'v2'), '--json', '--no-check', '--timeout', '60000']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as { status: string; modules: Array<{ id: string; classes: Array<{ name: string; mode: string; instances: number }> }> };
    assert.equal(outcome.status, 'applied');
    const item = outcome.modules.find((m) => m.id === 'store.ts')?.classes.find((c) => c.name === 'Item');
    assert.equal(item?.mode, 'eager');
    // The map's instances and every one the timer had made by the commit.
    assert.ok(item.instances > SIZE + before.made, `${item.instances} instances converted, ${SIZE} + more than ${before.made} expected`);

    const verify = async () => {
      const s = await state();
      assert.deepEqual(s.shapes, { 'n,label': SIZE }, 'every instance in the map has the new fields');
      assert.deepEqual(Object.keys(s.madeShapes), ['n,label'], `closure-held instances: ${JSON.stringify(s.madeShapes)}`);
      assert.equal(s.lost, 0, 'no write made while the update prepared was lost');
      assert.equal(s.wrongClass, 0);
      assert.match(s.sample, /^t1#\/\d+$/);
      assert.ok(s.made > before.made);
    };
    await verify();
    await sleep(1000);
    await verify();
    assert.equal(program.child.exitCode, null);
  });
});
