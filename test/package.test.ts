import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ENV, ROOT, get } from './helpers/baton.js';

// baton as a user gets it: `npm pack` of a clean copy of the sources (what a
// clone holds), the tarball installed into a fresh project with npm, and the
// `baton` that npm puts in node_modules/.bin. Nothing here reaches into the
// repository's dist/: the package must build itself (prepack) and carry
// everything it needs.

const NAME = 'baton-dsu';
const work = mkdtempSync(join(tmpdir(), 'baton-package-'));
const clone = join(work, 'clone');
const project = join(work, 'project');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 90_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: ENV, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** What `npm pack --json` reports for one tarball. */
interface PackReport {
  readonly filename: string;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

let packed: PackReport;

before(async () => {
  // The files of a clean clone that the build and the package use. The
  // node_modules link gives prepack its compiler; npm never packs node_modules.
  mkdirSync(clone);
  for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE', 'bin', 'src']) {
    cpSync(join(ROOT, entry), join(clone, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  // Left over from development builds: tests in dist/test, a deleted source's
  // output in dist/src. Neither may reach the package.
  write(clone, { 'dist/test/leftover.test.js': 'throw new Error("a test");\n', 'dist/src/leftover.js': 'export {};\n' });

  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], clone, 120_000);
  assert.equal(pack.code, 0, `npm pack failed:\n${pack.stderr}`);
  const reports = JSON.parse(pack.stdout) as PackReport[];
  assert.equal(reports.length, 1);
  packed = reports[0]!;

  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'my-service', private: true, type: 'module' }, null, 2)}\n`);
  // The registry serves the dependencies; npm's cache serves them on later runs.
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename)], project, 120_000);
  assert.equal(install.code, 0, `npm install of the tarball failed:\n${install.stderr}`);
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('the npm package', { timeout: 240_000 }, () => {
  it('ships bin, the compiled src with its types, README, LICENSE and package.json, and nothing else', () => {
    const paths = packed.files.map((f) => f.path).sort();
    const unexpected = paths.filter(
      (p) => !(p.startsWith('bin/') || p.startsWith('dist/src/') || ['README.md', 'LICENSE', 'package.json'].includes(p)),
    );
    assert.deepEqual(unexpected, []);
    for (const needed of ['bin/baton.js', 'dist/src/cli/main.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/hot-types.d.ts', 'LICENSE', 'README.md']) {
      assert.ok(paths.includes(needed), `${needed} is in the package`);
    }
    assert.deepEqual(paths.filter((p) => p.endsWith('.map')), [], 'no source maps naming .ts files the package lacks');
    assert.ok(!paths.includes('dist/src/leftover.js'), 'prepack builds dist/src from clean');
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', NAME, 'package.json'), 'utf8')) as { bin: Record<string, string>; license: string };
    assert.deepEqual(Object.keys(manifest.bin), ['baton'], 'the executable is still `baton`');
    assert.match(readFileSync(join(project, 'node_modules', NAME, 'LICENSE'), 'utf8'), new RegExp(`^${manifest.license} License`));
  });

  it('runs `npx baton run hello.ts` in the project that installed it', async () => {
    write(project, {
      'hello.ts': [
        "import type { Hot } from 'baton-dsu';",
        'const hot: Hot | undefined = import.meta.hot;',
        "const greet = (name: string): string => `hello, ${name}`;",
        "console.log(greet('baton'), typeof hot);",
        '',
      ].join('\n'),
    });
    const hello = await run('npx', ['--no-install', 'baton', 'run', 'hello.ts'], project);
    assert.equal(hello.code, 0, hello.stderr);
    assert.equal(hello.stdout, 'hello, baton object\n', 'under baton, import.meta.hot is there');
    assert.equal(hello.stderr, '');
  });

  it('type-checks an update file importing defineUpdate, and import.meta.hot, with the installed TypeScript; wrong ones fail', async () => {
    write(project, {
      'releases/v1/store.ts': STORE_V1,
      'releases/v2/store.ts': STORE_V2,
      'releases/v2/baton.update.ts': UPDATE_V2,
      'typecheck/bad.update.ts': [
        "import { defineUpdate } from 'baton-dsu';",
        "export default defineUpdate({ classes: { 'store.ts': { Entry: { mode: 'sometimes', fields: (old: object) => old } } } });",
        '',
      ].join('\n'),
      // import.meta.hot in a file that imports nothing from baton: typed once
      // the project lists baton in compilerOptions.types, and only then.
      'typecheck/hot-only.ts': 'import.meta.hot?.dispose((data) => {\n  data.at = Date.now();\n});\nimport.meta.hot?.accept();\n',
      'typecheck/tsconfig.json': tsconfig(['../hello.ts', '../releases/v1/store.ts', '../releases/v2/store.ts', '../releases/v2/baton.update.ts'], ['node']),
      'typecheck/tsconfig.bad.json': tsconfig(['bad.update.ts']),
      'typecheck/tsconfig.hot.json': tsconfig(['hot-only.ts'], [NAME]),
      'typecheck/tsconfig.nohot.json': tsconfig(['hot-only.ts']),
    });
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const good = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], join(project, 'typecheck'));
    assert.equal(good.code, 0, `tsc failed:\n${good.stdout}${good.stderr}`);
    const bad = await run(process.execPath, [tsc, '-p', 'tsconfig.bad.json'], join(project, 'typecheck'));
    assert.equal(bad.code, 2, 'tsc reports the error');
    assert.match(bad.stdout, /bad\.update\.ts\(2,\d+\): error TS2322: Type '"sometimes"' is not assignable to type '"eager" \| "lazy"/);
    const hot = await run(process.execPath, [tsc, '-p', 'tsconfig.hot.json'], join(project, 'typecheck'));
    assert.equal(hot.code, 0, `tsc failed:\n${hot.stdout}${hot.stderr}`);
    const noHot = await run(process.execPath, [tsc, '-p', 'tsconfig.nohot.json'], join(project, 'typecheck'));
    assert.equal(noHot.code, 2);
    assert.match(noHot.stdout, /hot-only\.ts\(1,13\): error TS2339: Property 'hot' does not exist on type 'ImportMeta'/);
  });

  it('checks and applies an update in that project, state kept and transformed, still so a while later', async () => {
    // Written by the previous test when it runs alone too.
    write(project, { 'releases/v1/store.ts': STORE_V1, 'releases/v2/store.ts': STORE_V2, 'releases/v2/baton.update.ts': UPDATE_V2 });
    write(project, { 'releases/v1/main.ts': MAIN, 'releases/v2/main.ts': MAIN });
    const baton = join(project, 'node_modules', '.bin', 'baton');

    // No tsconfig.json above the releases: baton's defaults, with Node's types
    // from the installation.
    const check = await run(baton, ['check', 'releases/v1', 'releases/v2'], project);
    assert.equal(check.code, 0, `baton check failed:\n${check.stdout}${check.stderr}`);

    const child = spawn(baton, ['run', '--name', 'pkg-svc', 'releases/v1/main.ts'], { cwd: project, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no port; stderr: ${errors}`)), 20_000);
        child.stdout.on('data', () => {
          const m = output.match(/listening (\d+)/);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      for (const key of ['a', 'a', 'b']) await get(port, `/hit?k=${key}`);
      assert.equal(await get(port, '/dump'), '{"a":2,"b":1}');

      const update = await run(baton, ['update', 'pkg-svc', 'releases/v2'], project);
      assert.equal(update.code, 0, `baton update failed:\n${update.stdout}${update.stderr}`);
      assert.match(update.stdout, /applied/);
      assert.equal(await get(port, '/dump'), '{"a":{"n":2},"b":{"n":1}}', 'the counts were transformed, none lost');
      assert.equal(await get(port, '/hit?k=a'), '3', 'the new code counts on from the carried state');

      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal(await get(port, '/hit?k=b'), '2');
      assert.equal(await get(port, '/dump'), '{"a":{"n":3},"b":{"n":2}}');
      assert.equal(errors, '');
    } finally {
      child.kill('SIGKILL');
    }
  });
});

function tsconfig(files: readonly string[], types: readonly string[] = []): string {
  // A strict NodeNext project that checks baton's published declarations too,
  // without the DOM, and with no types but those listed: tsconfig.hot.json,
  // with baton's alone, shows its public types need neither Node's nor the DOM's.
  const compilerOptions = { target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types };
  return `${JSON.stringify({ compilerOptions, files }, null, 2)}\n`;
}

const STORE_V1 = `export const counts = new Map<string, number>();

export function hit(key: string): number {
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  return n;
}
`;

const STORE_V2 = `export const counts = new Map<string, { n: number }>();

export function hit(key: string): number {
  const entry = counts.get(key) ?? { n: 0 };
  entry.n += 1;
  counts.set(key, entry);
  return entry.n;
}

import.meta.hot?.dispose((data) => {
  data.size = counts.size;
});
`;

const UPDATE_V2 = `import { defineUpdate } from 'baton-dsu';

export default defineUpdate({
  bindings: {
    'store.ts': { counts: (old: Map<string, number>) => new Map([...old].map(([k, n]) => [k, { n }])) },
  },
});
`;

const MAIN = `import { createServer } from 'node:http';
import { counts, hit } from './store.js';

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/hit') res.end(String(hit(url.searchParams.get('k') ?? '')));
  else res.end(JSON.stringify(Object.fromEntries(counts)));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log('listening', typeof address === 'object' && address ? address.port : 0);
});
`;
