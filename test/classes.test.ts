import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { baton, copyFixture, deriveVersion, get, Program } from './helpers/baton.js';

// Classes change on the live class: methods and accessors are added, replaced
// and removed on the class and its prototype, so the instances a closure
// holds (and instanceof) follow, and the module never runs again.
const FIX = copyFixture('classes');
const shapes = readFileSync(join(FIX, 'v1', 'shapes.ts'), 'utf8');
deriveVersion(FIX, 'v1', 'v2', {
  'shapes.ts': shapes
    .replace('    return this.#id;', '    return this.#id * 10;')
    .replace(
      "  legacy(): string {\n    return `legacy ${this.name}`;\n  }\n",
      "  describe(): string {\n    return `${this.name}#${this.#id} area ${this.area()}`;\n  }\n\n  async later(): Promise<string> {\n    return `later ${this.name}`;\n  }\n",
    )
    .replace(
      '    return Math.round(Math.PI * this.r * this.r);\n  }\n',
      '    return Math.round(Math.PI * this.r * this.r);\n  }\n\n  override describe(): string {\n    return `round ${super.describe()}`;\n  }\n',
    )
    .replace('  pick(i: number): string {', "  pick(i: number, fallback = 'none'): string {\n    if (i < 0) return fallback;")
    .replace("?? 'none';\n  }\n}", "?? fallback;\n  }\n\n  get size(): number {\n    return this.colors.length;\n  }\n}"),
});

// v3: shapes.ts moves to shapes/index.ts (its importer follows) and Circle gains a method.
const v2shapes = readFileSync(join(FIX, 'v2', 'shapes.ts'), 'utf8');
deriveVersion(FIX, 'v2', 'v3', {
  'shapes.ts': null,
  'shapes/index.ts': v2shapes.replace(
    '  override describe(): string {',
    '  perimeter(): number {\n    return Math.round(2 * Math.PI * this.r);\n  }\n\n  override describe(): string {',
  ),
  'main.ts': readFileSync(join(FIX, 'v2', 'main.ts'), 'utf8').replace("from './shapes.js'", "from './shapes/index.js'"),
});

// v4 (from v1): a Palette's colors become a Set, eagerly. The program's only
// Palette is held by the request handler's closure, out of reach of module state.
const paletteV4 = shapes
  .replace("  readonly colors: string[] = ['red'];", "  readonly colors = new Set<string>(['red']);")
  .replace("    return this.colors[i % this.colors.length] ?? 'none';", "    return [...this.colors][i % this.colors.size] ?? 'none';");
const transformer = (body: string) =>
  `import { defineUpdate } from 'baton';\n\nexport default defineUpdate({\n  classes: {\n    'shapes.ts': {\n      Palette: { mode: 'eager', fields: (old: { colors: string[] }) => ${body} },\n    },\n  },\n});\n`;
deriveVersion(FIX, 'v1', 'v4-bad', {
  'shapes.ts': paletteV4,
  'baton.update.ts': transformer("{\n        if (old.colors.length < 5) throw new Error('palette too small to convert');\n        return { colors: new Set(old.colors) };\n      }"),
});
deriveVersion(FIX, 'v1', 'v4', { 'shapes.ts': paletteV4, 'baton.update.ts': transformer('({ colors: new Set([...old.colors, "blue"]) })') });

interface Outcome {
  status: string;
  modules: Array<{ id: string; mechanism: string; reasons: string[] }>;
}

describe('baton update: methods and accessors change on the live class', () => {
  let program: Program;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const name = `classes-${process.pid}`;
  const call = async (m: string) => JSON.parse(await get(port, `/?m=${m}`, agent)) as { out: unknown[]; circles: number };

  before(async () => {
    program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
  });
  after(async () => {
    agent.destroy();
    await program.stop();
  });

  it('adds, replaces and removes members; existing instances (held by a closure only) and new ones take them', async () => {
    assert.deepEqual(await call('legacy'), { out: ['legacy circle', 'legacy dot'], circles: 1 });
    assert.deepEqual(await call('describe'), { out: [null, null], circles: 1 });

    const r = await baton(['update', name, join(FIX, 'v2'), '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as Outcome;
    assert.equal(outcome.status, 'applied');
    const m = outcome.modules.find((x) => x.id === 'shapes.ts');
    assert.equal(m?.mechanism, 'live', JSON.stringify(outcome.modules));
    for (const phrase of ['Shape: new describe', 'Shape: new later', 'Shape: legacy removed', 'Circle: new describe', 'Palette: pick replaced', 'Palette: new get size']) {
      assert.ok(m!.reasons.includes(phrase), `${phrase} in ${m!.reasons.join('; ')}`);
    }

    const check = async () => {
      // The closure's two instances, one created after the update, and instanceof on all of them.
      await get(port, '/add?m=area', agent);
      const described = await call('describe');
      assert.equal(described.out[0], 'round circle#1 area 3');
      assert.equal(described.out[1], 'dot#2 area 0');
      assert.match(String(described.out.at(-1)), /^round circle#\d+ area \d+$/);
      assert.equal(described.circles, described.out.length - 1);
      const ids = (await call('id')).out as number[];
      assert.deepEqual(ids.slice(0, 2), [10, 20]);
      assert.ok((await call('legacy')).out.every((v) => v === null), 'the removed method is gone from every instance');
      assert.equal(await get(port, '/palette?i=-1', agent), 'none');
      assert.equal(await get(port, '/palette?i=2', agent), 'red');
    };
    await check();
    await sleep(1000);
    await check();
    assert.equal(program.child.exitCode, null, 'the program is alive a second later');
  });

  it('baton diff names the same member changes', async () => {
    const r = await baton(['diff', join(FIX, 'v1'), join(FIX, 'v2')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /live\s+shapes\.ts .*Shape: new describe.*Shape: legacy removed.*Circle: new describe/);
  });

  it('a module moved to a folder index keeps its live instance: the new method works on existing and new instances', async () => {
    const plan = await baton(['diff', join(FIX, 'v2'), join(FIX, 'v3')]);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /live\s+shapes\/index\.ts \(moved from shapes\.ts\).*Circle: new perimeter/);
    assert.doesNotMatch(plan.stdout, /added|removed/);

    const before = (await call('area')).out.length;
    const r = await baton(['update', name, join(FIX, 'v3'), '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as Outcome;
    assert.equal(outcome.status, 'applied');
    assert.deepEqual(outcome.modules.map((m) => [m.id, m.mechanism]).sort(), [['main.ts', 'live'], ['shapes/index.ts', 'live']]);
    assert.ok(outcome.modules.find((m) => m.id === 'shapes/index.ts')!.reasons.includes('moved from shapes.ts'));
    const check = async () => {
      const perimeters = (await call('perimeter')).out;
      assert.equal(perimeters[0], 6, 'the closure-held circle created by v1');
      assert.equal(perimeters[1], null, 'a plain Shape has no perimeter');
      assert.equal(perimeters.length, before, 'start() did not run again: the same shapes');
    };
    await check();
    await get(port, '/add?m=area', agent);
    assert.equal(typeof (await call('perimeter')).out.at(-1), 'number', 'a circle created after the move');
    await sleep(1000);
    assert.equal((await call('perimeter')).out[0], 6);
  });

  it('rolls back twice: the module moves back, then the removed method returns and the added ones are gone', async () => {
    const back = await baton(['rollback', name, '--json']);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    const outcome = JSON.parse(back.stdout) as Outcome;
    assert.equal(outcome.status, 'applied');
    assert.ok(outcome.modules.some((m) => m.id === 'shapes.ts' && m.reasons.includes('moved from shapes/index.ts')), JSON.stringify(outcome.modules));
    assert.ok((await call('perimeter')).out.every((v) => v === null));
    assert.equal((await call('describe')).out[0], 'round circle#1 area 3');

    const r = await baton(['rollback', name, '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((JSON.parse(r.stdout) as Outcome).status, 'applied');
    const legacy = (await call('legacy')).out as string[];
    assert.deepEqual(legacy.slice(0, 2), ['legacy circle', 'legacy dot']);
    assert.ok((await call('describe')).out.every((v) => v === null));
    assert.deepEqual(((await call('id')).out as number[]).slice(0, 2), [1, 2]);
    // A moment later: the same answers, and the program is alive.
    await sleep(1000);
    assert.deepEqual(((await call('legacy')).out as string[]).slice(0, 2), ['legacy circle', 'legacy dot']);
    assert.ok((await call('perimeter')).out.every((v) => v === null));
    assert.equal(program.child.exitCode, null);
  });

  it('an eager class transformer meets the instance only a closure holds before commit: a throw aborts, a success converts it', async () => {
    assert.equal(await get(port, '/palette?i=0', agent), 'red');
    const bad = await baton(['update', name, join(FIX, 'v4-bad'), '--json', '--no-check']);
    assert.equal(bad.code, 3, bad.stdout + bad.stderr);
    const outcome = JSON.parse(bad.stdout) as Outcome & { reason: { message: string } };
    assert.equal(outcome.status, 'aborted');
    assert.match(outcome.reason.message, /palette too small to convert/);
    await sleep(500);
    assert.equal(program.child.exitCode, null, 'the program lives');
    assert.equal(await get(port, '/palette?i=0', agent), 'red');

    const good = await baton(['update', name, join(FIX, 'v4'), '--json', '--no-check']);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    const applied = JSON.parse(good.stdout) as { status: string; modules: Array<{ id: string; classes: Array<{ name: string; instances: number }> }> };
    assert.equal(applied.status, 'applied');
    const palette = applied.modules.find((m) => m.id === 'shapes.ts')!.classes.find((c) => c.name === 'Palette');
    assert.equal(palette?.instances, 1, 'the closure-held instance was converted at commit');
    assert.equal(await get(port, '/palette?i=1', agent), 'blue');
    await sleep(1000);
    assert.equal(await get(port, '/palette?i=0', agent), 'red');
    assert.equal(program.child.exitCode, null);
  });
});
