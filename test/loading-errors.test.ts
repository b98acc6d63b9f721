import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { baton, ENV, freePort, get, Program, writeVersions } from './helpers/baton.js';

/**
 * A program that cannot load fails naming the user's file, the line and the
 * specifier, says what to do, and shows no frame of baton's own code; a
 * program's own uncaught error is reported as Node reports it.
 */
async function runToEnd(files: Record<string, string>, entry: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const root = writeVersions({ app: files });
  const p = new Program([join(root, 'app', entry)]);
  const { code } = await p.exited;
  return { code, stderr: p.errors, stdout: p.output };
}

/** No trace of baton's internals: its files, its internal error code. */
function assertNoBatonTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /dist\/src\//, stderr);
  assert.doesNotMatch(stderr, /E_INTERNAL/, stderr);
  assert.doesNotMatch(stderr, /^\s+at /m, stderr);
}

const ESM = JSON.stringify({ name: 'app', type: 'module' });
const CJS = JSON.stringify({ name: 'app' });

describe('baton run: a failure to load names the user file', () => {
  it('a tsconfig paths alias that matches no file: the importing file and line, the specifier, what to do', async () => {
    const r = await runToEnd(
      {
        'package.json': ESM,
        'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@app/*': ['src/*'] } } }),
        'src/main.ts': "import { a } from '@app/present';\n\nimport { b } from '@app/missing';\nconsole.log(a, b);\n",
        'src/present.ts': 'export const a = 1;\n',
      },
      'src/main.ts',
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot find module '@app\/missing' imported from \S+\/app\/src\/main\.ts:3 \[E_RESOLVE\]/);
    assert.match(r.stderr, /"paths"/, 'the hint names the tsconfig paths');
    assertNoBatonTrace(r.stderr);
  });

  it('a missing relative import in a module the entry imports: that module and its line', async () => {
    const r = await runToEnd({ 'package.json': ESM, 'main.ts': "import './lib/a.js';\n", 'lib/a.ts': "// a\nimport { x } from './gone.js';\nconsole.log(x);\n" }, 'main.ts');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot find module '\.\/gone\.js' imported from \S+\/app\/lib\/a\.ts:2 \[E_RESOLVE\]/);
    assert.match(r.stderr, /check the path/);
    assertNoBatonTrace(r.stderr);
  });

  it('a require of a package that is not installed, in CommonJS: the requiring file and line, and the install command', async () => {
    const r = await runToEnd({ 'package.json': CJS, 'main.js': "'use strict';\nconst got = require('no-such-package/deep');\nconsole.log(got);\n" }, 'main.js');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot find module 'no-such-package\/deep' imported from \S+\/app\/main\.js:2 \[E_RESOLVE\]/);
    assert.match(r.stderr, /npm install no-such-package\b/);
    assertNoBatonTrace(r.stderr);
  });

  it('a missing import in CommonJS TypeScript (a .ts file in a package without "type"): the file and line', async () => {
    const r = await runToEnd({ 'package.json': CJS, 'main.ts': "import { ok } from './ok';\nimport { nope } from './nope';\nconsole.log(ok, nope);\n", 'ok.ts': 'export const ok = 1;\n' }, 'main.ts');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot find module '\.\/nope' imported from \S+\/app\/main\.ts:2 \[E_RESOLVE\]/);
    assertNoBatonTrace(r.stderr);
  });

  it('a require of an app ES module from CommonJS: the requiring file and line, and to import it instead', async () => {
    const r = await runToEnd({ 'package.json': CJS, 'main.cjs': "\nconst esm = require('./esm.mjs');\nconsole.log(esm);\n", 'esm.mjs': 'export const x = 1;\n' }, 'main.cjs');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot require the ES module '\.\/esm\.mjs' \(\S+esm\.mjs\) from \S+\/app\/main\.cjs:2/);
    assert.match(r.stderr, /import it/);
    assertNoBatonTrace(r.stderr);
  });

  it('a named import Node would refuse (a CommonJS module whose name its lexer cannot see): the importing file and line, and the default-import way', async () => {
    const r = await runToEnd(
      {
        'package.json': ESM,
        'main.ts': "import make from './make.cjs';\nimport { json } from './make.cjs';\nconsole.log(typeof make, typeof json);\n",
        'make.cjs': 'function make() {\n  const f = () => 1;\n  f.json = () => 2;\n  return f;\n}\nmodule.exports = make();\n',
      },
      'main.ts',
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the module '\.\/make\.cjs' provides no export named 'json', imported by \S+\/app\/main\.ts:2 \[E_RESOLVE\]/);
    assert.match(r.stderr, /import pkg from '\.\/make\.cjs'/);
    assertNoBatonTrace(r.stderr);
  });

  it('a syntax error: the file, line and column', async () => {
    const r = await runToEnd({ 'package.json': ESM, 'main.ts': "import './broken.js';\n", 'broken.ts': 'const a = 1;\nconst = 2;\n' }, 'main.ts');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot compile \S+\/app\/broken\.ts:2:7: Expected identifier but found "=" \[E_COMPILE\]/);
    assertNoBatonTrace(r.stderr);
  });
});

describe("baton run: the program's own uncaught error is the program's", () => {
  it('a throw at the top level of an ES module: Node-style report with the user line, exit 1, no baton code', async () => {
    const r = await runToEnd({ 'package.json': ESM, 'main.ts': "import './boot.js';\n", 'boot.ts': "console.log('booting');\n\nthrow new TypeError('config missing');\n" }, 'main.ts');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /booting/);
    assert.match(r.stderr, /TypeError: config missing/);
    assert.match(r.stderr, /boot\.ts:3:7/);
    assert.doesNotMatch(r.stderr, /\[E_[A-Z_]+\]/);
    assert.doesNotMatch(r.stderr, /^baton:/m);
  });

  it('a throw in a CommonJS module required at start-up: the same', async () => {
    const r = await runToEnd({ 'package.json': CJS, 'main.js': "require('./db');\n", 'db.js': "'use strict';\nfunction connect() {\n  throw new Error('db down');\n}\nconnect();\n" }, 'main.js');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error: db down/);
    assert.match(r.stderr, /db\.js:3:9/);
    assert.doesNotMatch(r.stderr, /\[E_[A-Z_]+\]/);
  });
});

describe('baton run: require in an ES module', () => {
  it("is Node's ReferenceError, naming the file and how to make it CommonJS, at the user's line", async () => {
    const r = await runToEnd({ 'package.json': ESM, 'main.js': "console.log('start');\nconst path = require('node:path');\nconsole.log(path.sep);\n" }, 'main.js');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ReferenceError: require is not defined in ES module scope, you can use import instead \(\S+\/app\/main\.js is an ES module/);
    assert.match(r.stderr, /main\.js:2:/);
    assert.doesNotMatch(r.stderr, /\[E_[A-Z_]+\]/);
  });
});

describe('baton update: a new version that cannot load changes nothing and names the file', () => {
  it('an alias the tsconfig does not map, in a module the new version changes: refused or aborted, the old version still answers', async () => {
    const tsconfig = JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@app/*': ['src/*'] } } });
    const main = "import { createServer } from 'node:http';\nimport { answer } from '@app/answer';\n\nlet hits = 0;\ncreateServer((_req, res) => res.end(`${answer()} ${++hits}`)).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));\n";
    const root = writeVersions({
      v1: { 'package.json': ESM, 'tsconfig.json': tsconfig, 'src/main.ts': main, 'src/answer.ts': "export function answer(): string {\n  return 'v1';\n}\n" },
      v2: {
        'package.json': ESM,
        'tsconfig.json': tsconfig,
        'src/main.ts': main,
        'src/answer.ts': "import { suffix } from '@app/util/suffix';\n\nexport function answer(): string {\n  return 'v2' + suffix;\n}\n",
      },
    });
    const port = await freePort();
    const name = `bad-alias-${process.pid}`;
    const program = new Program(['--name', name, join(root, 'v1', 'src', 'main.ts')], { ...ENV, PORT: String(port) });
    try {
      await program.waitFor(/listening/, 30_000);
      assert.equal(await get(port, '/'), 'v1 1');
      const r = await baton(['update', name, join(root, 'v2', 'src'), '--no-check']);
      assert.ok(r.code === 2 || r.code === 3, `refused or aborted: ${r.code} ${r.stdout}${r.stderr}`);
      assert.match(r.stdout + r.stderr, /cannot find module '@app\/util\/suffix' imported from \S+\/v2\/src\/answer\.ts:1/);
      assertNoBatonTrace(r.stdout + r.stderr);
      assert.equal(await get(port, '/'), 'v1 2', 'the old code, the same state');
      await sleep(1000);
      assert.equal(await get(port, '/'), 'v1 3');
    } finally {
      await program.stop();
    }
  });
});
