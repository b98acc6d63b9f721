import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { baton, copyFixture, get, Program } from './helpers/baton.js';

// The compiled form of a closure's captures changes with the code around it: a
// `let` no hoisted function reads is a box, one a nested function declaration
// reads is an accessor (slot-boxes.ts); an arrow that reads no `this` is called
// without a receiver. Patches move code between these forms while closures made
// in the old form are still held: v1 -> v2 makes the counter's `hits` an
// accessor and the session's arrow read `this`; v3 makes `hits` a box again.
const FIX = copyFixture('forms');

interface Outcome {
  status: string;
  modules: Array<{ id: string; mechanism: string; functions: Array<{ name: string; change: string; newCaptures?: string[] }> }>;
}

async function update(target: string, dir: string): Promise<Outcome> {
  const r = await baton(['update', target, dir, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const outcome = JSON.parse(r.stdout) as Outcome;
  assert.equal(outcome.status, 'applied');
  return outcome;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));

describe('patches that change how a closure holds its captures', () => {
  let program: Program;
  let port: number;
  const name = `forms-${process.pid}`;
  const at = (path: string) => get(port, path);

  before(async () => {
    program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
  });
  after(() => program.stop());

  it('a boxed capture becomes an accessor: closures made before keep counting on their box, new ones on the accessor', async () => {
    assert.equal(await at('/hit?n=a'), '101');
    assert.equal(await at('/hit?n=a'), '102');
    assert.equal(await at('/label?n=ada'), 'api/3');
    assert.equal(await at('/digest'), 'a=102;ada:1');

    const outcome = await update(name, join(FIX, 'v2'));
    const fns = outcome.modules.find((m) => m.id === 'main.ts')?.functions ?? [];
    assert.ok(fns.some((f) => f.name === 'makeCounter'), `makeCounter changed: ${JSON.stringify(fns)}`);
    const label = fns.find((f) => f.name.includes('label'));
    assert.ok(label?.newCaptures?.includes('this'), `the label arrow now needs its receiver, reported as a new capture: ${JSON.stringify(fns)}`);
    // The counter's arrows read `hits` as before, but in another form (an accessor, not their scope's box):
    // closures made before keep the old body, and the report names the variable.
    const hit = fns.find((f) => f.name === 'makeCounter/hit');
    assert.ok(hit?.newCaptures?.includes('hits'), `an arrow of makeCounter reports hits, now passed in another form: ${JSON.stringify(fns)}`);

    // The counter made by v1 still counts on the state its closures hold.
    assert.equal(await at('/hit?n=a'), '103');
    assert.equal(await at('/doubled?n=a'), 'none', 'an object v1 made has no doubled');
    // A counter made by v2's body: its closures and the hoisted function share one `hits`.
    assert.equal(await at('/hit?n=b'), '101');
    assert.equal(await at('/hit?n=b'), '102');
    assert.equal(await at('/doubled?n=b'), '204');
    // The session made before keeps the arrow it was given; a new session's arrow reads `this`.
    assert.equal(await at('/label?n=ada'), 'api/3');
    assert.equal(await at('/label?n=bob'), 'api/bob#1');
    assert.equal(await at('/digest'), 'a=103,b=102;ada:2,bob:1');

    await settle();
    assert.equal(await at('/digest'), 'a=103,b=102;ada:2,bob:1');
    assert.equal(await at('/hit?n=b'), '103');
  });

  it('an accessor becomes a box again: closures of both earlier forms go on counting', async () => {
    const outcome = await update(name, join(FIX, 'v3'));
    const fns = outcome.modules.find((m) => m.id === 'main.ts')?.functions ?? [];
    const hit = fns.find((f) => f.name === 'makeCounter/hit');
    assert.ok(hit?.newCaptures?.includes('hits'), `an arrow of makeCounter reports hits, passed in a box again: ${JSON.stringify(fns)}`);
    assert.equal(await at('/hit?n=a'), '104', 'the v1 counter (a box)');
    assert.equal(await at('/hit?n=b'), '104', 'the v2 counter (an accessor)');
    assert.equal(await at('/doubled?n=b'), '208', 'the v2 counter keeps its hoisted function, on the same hits');
    assert.equal(await at('/hit?n=c'), '101', 'a counter made by v3');
    assert.equal(await at('/doubled?n=c'), 'none');
    assert.equal(await at('/label?n=cy'), 'api/cy#1');
    assert.equal(await at('/digest'), 'a=104,b=104,c=101;ada:2,bob:1,cy:1');

    await settle();
    assert.equal(await at('/digest'), 'a=104,b=104,c=101;ada:2,bob:1,cy:1');
    assert.equal(await at('/hit?n=a'), '105');
    assert.equal(await at('/hit?n=b'), '105');
  });
});
