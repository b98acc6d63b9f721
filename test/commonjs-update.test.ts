import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { baton, ENV, freePort, get, Program, writeVersions } from './helpers/baton.js';

/**
 * CommonJS app code (TypeScript in a package without "type": "module", as
 * tsx runs it) takes an update whose transformer file changes how state is
 * represented: the transformer file is read as baton's ESM format whatever
 * the package says, and reaches the CommonJS module's bindings by name.
 */
const PACKAGE = JSON.stringify({ name: 'legacy-store' });
const MAIN = `import { createServer } from 'http';
import { set, get, size } from './store';

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const key = url.searchParams.get('k') ?? '';
  if (url.pathname === '/set') res.end(String(set(key, url.searchParams.get('v') ?? '')));
  else if (url.pathname === '/size') res.end(String(size()));
  else res.end(get(key));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening', typeof require));
`;

describe('an update of CommonJS app code with a transformer', () => {
  it('changes a Map of strings into a Map of records, the server and its connections kept', async () => {
    const root = writeVersions({
      v1: {
        'package.json': PACKAGE,
        'main.ts': MAIN,
        'store.ts': `export const data = new Map<string, string>();
export function set(key: string, value: string): number {
  data.set(key, value);
  return data.size;
}
export function get(key: string): string {
  return data.get(key) ?? 'none';
}
export function size(): number {
  return data.size;
}
`,
      },
      v2: {
        'package.json': PACKAGE,
        'main.ts': MAIN,
        'store.ts': `export interface Entry { value: string; writes: number }
export const data = new Map<string, Entry>();
export function set(key: string, value: string): number {
  const old = data.get(key);
  data.set(key, { value, writes: (old?.writes ?? 0) + 1 });
  return data.size;
}
export function get(key: string): string {
  const e = data.get(key);
  return e ? \`\${e.value} (\${e.writes} writes)\` : 'none';
}
export function size(): number {
  return data.size;
}
`,
        'baton.update.ts': `import { defineUpdate } from 'baton';
export default defineUpdate({
  bindings: {
    'store.ts': { data: (old: Map<string, string>) => new Map([...old].map(([k, v]) => [k, { value: v, writes: 1 }])) },
  },
});
`,
      },
    });
    const port = await freePort();
    const name = `cjs-update-${process.pid}`;
    const program = new Program(['--name', name, join(root, 'v1', 'main.ts')], { ...ENV, PORT: String(port) });
    try {
      await program.waitFor(/listening function/, 30_000);
      assert.equal(await get(port, '/set?k=a&v=apple'), '1');
      assert.equal(await get(port, '/set?k=b&v=banana'), '2');
      assert.equal(await get(port, '/?k=a'), 'apple');

      // --no-check: the type planner is not what this test is about.
      const r = await baton(['update', name, join(root, 'v2'), '--no-check']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(await get(port, '/?k=a'), 'apple (1 writes)', 'the old string became a record');
      assert.equal(await get(port, '/set?k=a&v=avocado'), '2');
      assert.equal(await get(port, '/?k=a'), 'avocado (2 writes)');
      await sleep(1000);
      assert.equal(await get(port, '/?k=b'), 'banana (1 writes)');
      assert.equal(await get(port, '/size'), '2');
    } finally {
      await program.stop();
    }
  });
});
