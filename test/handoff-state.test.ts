import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { baton, freePort, handoff, listedPids, Program, sleep, writeVersions } from './helpers/baton.js';

// What a hand-off moves of the program's state, and what it names and refuses before anything stops.

const listed = listedPids;

describe('state a hand-off cannot move', () => {
  const main = [
    "import { EventEmitter } from 'node:events';",
    "export const state = { users: new Map([['ada', { name: 'Ada', onSave: () => 'saved' }]]), count: 1 };",
    'export const cache = { store: new Proxy({}, {}) };',
    'export const bus = { emitters: [new EventEmitter()] };',
    'setInterval(() => { state.count++; }, 100);',
    "console.log('ready');",
    '',
  ].join('\n');

  it('is named with module, binding and path, by the refusal (before anything stops) and by baton diff --handoff', async () => {
    const root = writeVersions({ v1: { 'main.ts': main }, v2: { 'main.ts': main.replace("'ready'", "'ready v2'") } });
    const name = `untransferable-${process.pid}`;
    const program = new Program(['--name', name, join(root, 'v1', 'main.ts')]);
    try {
      await program.waitFor(/ready/, 60_000);
      const r = await handoff(name, join(root, 'v2'));
      assert.equal(r.code, 2, JSON.stringify(r.outcome));
      const reason = (r.outcome as { status: string; reason: { code: string; message: string; hint: string } }).reason;
      assert.equal(r.outcome['status'], 'refused');
      assert.equal(reason.code, 'E_HANDOFF_STATE');
      assert.match(reason.message, /main\.ts state\.users\.get\("ada"\)\.onSave: a function/);
      assert.match(reason.message, /main\.ts cache\.store: a Proxy/);
      assert.match(reason.message, /main\.ts bus\.emitters\[0\]: a handle \(EventEmitter\)/);
      assert.match(reason.hint, /reinit/);
      // Nothing stopped: the same process serves, its timer still runs.
      assert.deepEqual(await listed(name), [program.pid]);
      assert.doesNotMatch(program.output, /ready v2/);
      await sleep(1000);
      assert.deepEqual(await listed(name), [program.pid]);

      const diff = await baton(['diff', join(root, 'v1'), join(root, 'v2'), '--handoff', '--json']);
      const plan = JSON.parse(diff.stdout) as { handoff: { untransferable: Array<{ binding: string; path: string; line: number; file: string; what: string }> } };
      const found = plan.handoff.untransferable.map((u) => `${u.file.endsWith('main.ts') ? 'main.ts' : u.file}:${u.line} ${u.binding}${u.path}`);
      assert.ok(found.includes('main.ts:2 state.users.values().onSave'), found.join('; '));
      assert.ok(found.some((f) => f.startsWith('main.ts:4 bus.emitters[]')), found.join('; '));
    } finally {
      await program.stop();
    }
  });
});

describe('state of every kind a hand-off moves', () => {
  // Each kind the transfer must keep, held in module state; the program describes it (kinds, contents, and
  // shared references and cycles as back-references) over HTTP, before the hand-off and after.
  const main = (version: string) =>
    [
      "import http from 'node:http';",
      `export class Point { constructor(public x: number, public y: number) {} which() { return '${version} ' + (this.x + this.y); } }`,
      "const shared = { tag: 'shared' };",
      "const cycle: Record<string, unknown> = { name: 'cycle' };",
      // #private fields and methods (esbuild keeps them in top-level WeakMaps and a WeakSet), and weak tables of the program's own.
      "export class Vault { #secrets = new Map<string, number>(); #seal = 'sealed'; put(k: string, v: number) { this.#secrets.set(k, v); return this; } #sum() { let s = 0; for (const v of this.#secrets.values()) s += v; return s; } total() { return `${this.#seal} ${this.#sum()} ${[...this.#secrets.keys()].join('+')}`; } }",
      'const memo = new WeakMap<object, string>();',
      // Where the module lives is the new version's (not carried); a name like a compiler's is still the program's state.
      "const here = new URL('.', import.meta.url);",
      "const __hits = new Map<string, number>([['served', 0]]);",
      'const marks = new WeakSet<object>();',
      'cycle.self = cycle;',
      'export const state = {',
      "  map: new Map<unknown, unknown>([['a', 1], [2, shared], [shared, 'object key']]),",
      "  set: new Set<unknown>([1, 'two', shared]),",
      '  date: new Date(1700000000000),',
      "  bytes: new Uint8Array([1, 2, 250]), ints: new Int32Array([-5, 123456]), buffer: Buffer.from('h\\u00e9llo'),",
      '  both: [shared, shared],',
      '  cycle,',
      "  bare: Object.assign(Object.create(null), { k: 'no prototype' }),",
      '  points: [new Point(1, 2), new Point(3, 4)],',
      "  vault: new Vault().put('a', 1).put('b', 41),",
      "  text: ['ascii', '\\u00e9 latin1', '\\u65e5\\u672c \\u2713 \\ud83d\\ude42', '\\ud800 lone', 'a'.repeat(40), '\\u20ac'.repeat(20), ''],",
      '  nums: [0, -0, 1.5, NaN, Infinity, -2147483648, 2 ** 40, -1e-300],',
      '  big: 12345678901234567890n,',
      '  re: /a+b/gi,',
      `  own: JSON.parse('{"__proto__": "own key", "2": "index"}'),`,
      "  nested: { deep: { deeper: [[[{ at: 'bottom' }]]] } },",
      '  scalars: [undefined, null, true, false],',
      // Same prototype, keys that a separator-joined shape name would confuse.
      "  keys: [{ 'a\\u0000b': 1 }, { a: 2, b: 3 }, { 'a\\u0000b': 4 }],",
      '};',
      "memo.set(shared, 'memo of shared');",
      "memo.set(state.points[1]!, 'memo of a point');",
      "memo.set({ unreachable: true }, 'a key nothing else holds');",
      'marks.add(state.cycle);',
      'function canon(v: unknown, seen: Map<object, number>): unknown {',
      "  if (typeof v === 'bigint') return v + 'n';",
      "  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);",
      "  if (typeof v === 'string') return Array.from({ length: v.length }, (_, i) => v.charCodeAt(i));",
      "  if (typeof v !== 'object' || v === null) return String(v);",
      "  if (seen.has(v)) return 'ref ' + seen.get(v);",
      '  seen.set(v, seen.size);',
      '  const proto = Object.getPrototypeOf(v);',
      "  const kind = proto === null ? 'no prototype' : proto.constructor.name;",
      '  if (v instanceof Map) return [kind, [...v].map(([k, x]) => [canon(k, seen), canon(x, seen)])];',
      '  if (v instanceof Set) return [kind, [...v].map((x) => canon(x, seen))];',
      '  if (v instanceof Date) return [kind, v.toISOString()];',
      '  if (v instanceof RegExp) return [kind, String(v)];',
      '  if (ArrayBuffer.isView(v)) return [kind, Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))];',
      '  if (Array.isArray(v)) return [kind, v.map((x) => canon(x, seen))];',
      '  return [kind, Object.keys(v).map((k) => [k, canon((v as Record<string, unknown>)[k], seen)])];',
      '}',
      'http.createServer((req, res) => {',
      "  __hits.set('served', __hits.get('served')! + 1);",
      '  const p = state.points[0]!;',
      "  res.end(JSON.stringify({ state: canon(state, new Map()), private: state.vault.total(), dir: here.pathname.split('/').at(-2), served: __hits.get('served'), weak: [memo.get(shared), memo.get(state.points[1]!), marks.has(state.cycle), marks.has(shared)], which: p.which(), isPoint: p instanceof Point, selfCycle: state.cycle.self === state.cycle, shared: state.both[0] === state.map.get(2) }));",
      "}).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('ready " + version + "'));",
      '',
    ].join('\n');

  it('keeps Maps, Sets, Dates, typed arrays, strings of any characters, numbers, shared references, cycles and null prototypes, #private fields and weak entries of moved objects; instances take the new class', async () => {
    const root = writeVersions({ v1: { 'main.ts': main('v1') }, v2: { 'main.ts': main('v2') } });
    const name = `kinds-${process.pid}`;
    const port = await freePort();
    const program = new Program(['--name', name, join(root, 'v1', 'main.ts'), '--', String(port)]);
    const describeState = () =>
      new Promise<{ state: unknown; private: string; dir: string; served: number; weak: unknown[]; which: string; isPoint: boolean; selfCycle: boolean; shared: boolean }>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve(JSON.parse(body)));
        })
          .on('error', reject)
          .end();
      });
    try {
      await program.waitFor(/ready v1/, 60_000);
      const before = await describeState();
      assert.deepEqual([before.which, before.isPoint, before.selfCycle, before.shared], ['v1 3', true, true, true]);
      assert.deepEqual([before.private, before.weak], ['sealed 42 a+b', ['memo of shared', 'memo of a point', true, false]]);
      assert.deepEqual([before.dir, before.served], ['v1', 1]);
      let served = before.served;
      const r = await handoff(name, join(root, 'v2'));
      assert.equal(r.code, 0, JSON.stringify(r.outcome));
      const check = async () => {
        const after = await describeState();
        assert.deepEqual(after.state, before.state);
        // #private fields and methods of a moved instance, and weak entries keyed by moved objects, are there.
        assert.deepEqual([after.private, after.weak], [before.private, before.weak]);
        assert.deepEqual([after.dir, after.served], ['v2', ++served], 'the new directory; the request count carried on');
        // The same instance, of the new version's class: its new method answers.
        assert.deepEqual([after.which, after.isPoint, after.selfCycle, after.shared], ['v2 3', true, true, true]);
      };
      await check();
      await sleep(1000);
      await check();
    } finally {
      for (const pid of await listed(name)) if (pid !== program.pid) process.kill(pid, 'SIGKILL');
      await program.stop();
    }
  });
});
