import { strict as assert } from 'node:assert';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { baton, get, Program, writeVersions } from './helpers/baton.js';

// Each release is deployed with its own node_modules (as `npm ci` in a
// release directory does). v2 upgrades the `slugger` package from 1.0.0 to
// 2.0.0: objects the old package created would keep its code, so the update
// is refused unless the user says the two may coexist.
const slugger = (version: string, sep: string) => ({
  'node_modules/slugger/package.json': JSON.stringify({ name: 'slugger', version, type: 'module', exports: { types: './index.d.ts', default: './index.js' } }),
  'node_modules/slugger/index.d.ts': 'export declare const version: string;\nexport declare function slug(s: string): string;\n',
  'node_modules/slugger/index.js': `export const version = '${version}';\nexport function slug(s) { return s.toLowerCase().split(/\\s+/).join('${sep}'); }\n`,
});
const main = (tag: string) => `import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { slug, version } from 'slugger';

const titles: string[] = [];
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://local');
  const title = url.searchParams.get('t');
  if (title) titles.push(title);
  res.end(\`${tag} \${version} \${titles.map(slug).join(' ')}\`);
});
server.listen(0, '127.0.0.1', () => console.log(\`port \${(server.address() as AddressInfo).port}\`));
`;
const ROOT = writeVersions({
  v1: { 'main.ts': main('v1'), ...slugger('1.0.0', '-') },
  v2: { 'main.ts': main('v2'), ...slugger('2.0.0', '_') },
});

describe('baton update: a package that resolves to another version', () => {
  let program: Program;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const name = `deps-${process.pid}`;

  before(async () => {
    program = new Program(['--name', name, join(ROOT, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
  });
  after(async () => {
    agent.destroy();
    await program.stop();
  });

  it('baton diff reports the package and both versions, as the update will refuse it', async () => {
    const r = await baton(['diff', join(ROOT, 'v1'), join(ROOT, 'v2')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Dependencies that resolve to another version[^\n]*--allow-dependency-change[^\n]*\n  slugger 1\.0\.0 -> 2\.0\.0\n/);
    const json = await baton(['diff', join(ROOT, 'v1'), join(ROOT, 'v2'), '--json']);
    assert.deepEqual((JSON.parse(json.stdout) as { dependencies: unknown }).dependencies, [{ name: 'slugger', from: '1.0.0', to: '2.0.0' }]);
    // v1 -> v1 (same packages): nothing to report.
    const same = await baton(['diff', join(ROOT, 'v1'), join(ROOT, 'v1'), '--json']);
    assert.deepEqual((JSON.parse(same.stdout) as { dependencies: unknown }).dependencies, []);
  });

  it('is refused, naming the package and both versions, with nothing changed', async () => {
    assert.equal(await get(port, '/?t=Hello%20World', agent), 'v1 1.0.0 hello-world');
    const r = await baton(['update', name, join(ROOT, 'v2'), '--json']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as { status: string; reason: { code: string; message: string; hint: string } };
    assert.equal(outcome.status, 'refused');
    assert.equal(outcome.reason.code, 'E_DEPENDENCY_CHANGED');
    assert.match(outcome.reason.message, /slugger 1\.0\.0 -> 2\.0\.0/);
    assert.match(outcome.reason.message, /objects the old package created keep its code/);
    assert.match(outcome.reason.hint, /--allow-dependency-change/);
    assert.equal(await get(port, '/?t=Second%20One', agent), 'v1 1.0.0 hello-world second-one');
  });

  it('applies with --allow-dependency-change: the patched code runs on the same state (the module keeps the package it imported)', async () => {
    const r = await baton(['update', name, join(ROOT, 'v2'), '--json', '--allow-dependency-change']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((JSON.parse(r.stdout) as { status: string }).status, 'applied');
    // Module code ran once: its import of slugger 1.0.0 stays bound, which is what the refusal warned of.
    assert.equal(await get(port, '/?t=Third', agent), 'v2 1.0.0 hello-world second-one third');
    await sleep(1000);
    assert.equal(await get(port, '/', agent), 'v2 1.0.0 hello-world second-one third');
    assert.equal(program.child.exitCode, null);
  });
});
