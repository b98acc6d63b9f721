import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { baton, get, Program, writeVersions } from './helpers/baton.js';

// Releases deployed side by side (releases/v1, releases/v2), the layout `baton update <target> <dir>` is made for.
// The program finds its templates from where its modules are: the usual ESM preamble, a path computed from it, and a
// CommonJS helper reading its own __dirname. After the update the new release's files are the ones read, and stay
// readable once the old release is deleted; the request count (state) goes on.
const main = (version: string, views = "join(__dirname, 'views')") =>
  [
    "import { createServer } from 'node:http';",
    "import { readFileSync } from 'node:fs';",
    "import { dirname, join } from 'node:path';",
    "import { fileURLToPath } from 'node:url';",
    "import { assetDir } from './assets.cjs';",
    "import { NOTE } from './paths.js';",
    'const __filename = fileURLToPath(import.meta.url);',
    'const __dirname = dirname(__filename);',
    `const VIEWS = ${views};`,
    'let served = 0;',
    'const server = createServer((req, res) => {',
    '  served++;',
    "  const page = readFileSync(join(VIEWS, 'page.txt'), 'utf8').trim();",
    "  const meta = readFileSync(new URL('./views/page.txt', import.meta.url), 'utf8').trim();",
    "  const asset = readFileSync(join(assetDir(), 'asset.txt'), 'utf8').trim();",
    "  const note = readFileSync(NOTE, 'utf8').trim();",
    `  res.end(\`${version} \${served} \${page} \${meta} \${asset} \${note}\`);`,
    '});',
    "server.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as { port: number }).port}`));",
    '',
  ].join('\n');
const assets = "exports.assetDir = function assetDir() { return __dirname + '/assets'; };\n";
// A module no release changes, whose exported paths are computed from where it is.
const paths = "export const DATA = new URL('./data/', import.meta.url);\nexport const NOTE = new URL('note.txt', DATA);\n";

describe("a module's location follows the release that runs", () => {
  const root = writeVersions({
    v1: { 'main.ts': main('v1'), 'paths.ts': paths, 'data/note.txt': 'note one\n', 'assets.cjs': assets, 'views/page.txt': 'page one\n', 'assets/asset.txt': 'asset one\n' },
    v2: { 'main.ts': main('v2'), 'paths.ts': paths, 'data/note.txt': 'note two\n', 'assets.cjs': assets, 'views/page.txt': 'page two\n', 'assets/asset.txt': 'asset two\n' },
    // v3 keeps its pages elsewhere: a changed initializer that reads the location takes the new path too.
    v3: { 'main.ts': main('v3', "join(__dirname, 'templates')"), 'paths.ts': paths, 'data/note.txt': 'note three\n', 'assets.cjs': assets, 'templates/page.txt': 'page three\n', 'views/page.txt': 'page three (by URL)\n', 'assets/asset.txt': 'asset three\n' },
  });
  const name = `location-${process.pid}`;
  let program: Program;
  let port: number;

  before(async () => {
    program = new Program(['--name', name, join(root, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
  });
  after(() => program.stop());

  it("after an update the new release's files are read, also once the old release is deleted; state goes on", async () => {
    assert.equal(await get(port), 'v1 1 page one page one asset one note one');
    // The plan names the same bindings the update computes again.
    const diff = await baton(['diff', join(root, 'v1'), join(root, 'v2'), '--json']);
    assert.equal(diff.code, 0, diff.stdout + diff.stderr);
    const relocated = (JSON.parse(diff.stdout) as { relocated: Array<{ module: string; names: string[] }> }).relocated;
    assert.deepEqual([...relocated].sort((a, b) => a.module.localeCompare(b.module)), [
      { module: 'main.ts', names: ['__filename', '__dirname', 'VIEWS'] },
      { module: 'paths.ts', names: ['DATA', 'NOTE'] },
    ]);
    const r = await baton(['update', name, join(root, 'v2'), '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as { status: string; modules: Array<{ id: string; mechanism: string; bindings: Array<{ name: string; how: string }> }> };
    assert.equal(outcome.status, 'applied');
    const mainReport = outcome.modules.find((m) => m.id === 'main.ts');
    assert.equal(mainReport?.mechanism, 'patch');
    assert.deepEqual(mainReport?.bindings.map((b) => [b.name, b.how]), [['__filename', 'fresh'], ['__dirname', 'fresh'], ['VIEWS', 'fresh']], 'what is computed from the location, and nothing else (served is state)');
    // The module no release changed moves too, and says so.
    const pathsReport = outcome.modules.find((m) => m.id === 'paths.ts');
    assert.deepEqual([pathsReport?.mechanism, pathsReport?.bindings.map((b) => b.name)], ['state', ['DATA', 'NOTE']]);

    assert.equal(await get(port), 'v2 2 page two page two asset two note two');
    rmSync(join(root, 'v1'), { recursive: true });
    assert.equal(await get(port), 'v2 3 page two page two asset two note two');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await get(port), 'v2 4 page two page two asset two note two');
  });

  it('a changed initializer that reads where the module is is recomputed, not kept', async () => {
    const r = await baton(['update', name, join(root, 'v3'), '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as { status: string; modules: Array<{ id: string; mechanism: string; reasons: string[] }> };
    assert.equal(outcome.status, 'applied');
    const mainReport = outcome.modules.find((m) => m.id === 'main.ts');
    assert.equal(mainReport?.mechanism, 'live');
    assert.ok(mainReport?.reasons.some((s) => s.startsWith('VIEWS recomputed')), JSON.stringify(mainReport?.reasons));
    assert.equal(await get(port), 'v3 5 page three page three (by URL) asset three note three');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await get(port), 'v3 6 page three page three (by URL) asset three note three');
  });
});
