import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { baton, Program, ROOT, SOCKET_DIR } from './helpers/baton.js';

const MAIN = join(ROOT, 'test', 'fixtures', 'run', 'main.ts');

describe('baton run: behaves like node running the program', () => {
  it('runs TypeScript with top-level await, JSON and dynamic imports, import.meta, and args; exits by itself', async () => {
    const p = new Program([MAIN, '--', 'plain', '--flag']);
    const { code } = await p.exited;
    assert.equal(code, 0, p.errors);
    assert.match(p.output, /meta true true true/);
    assert.match(p.output, /json 42/);
    assert.match(p.output, /dynamic X! Y!/);
    assert.match(p.output, /args plain,--flag/);
    assert.equal(p.output.match(/once evaluated/g)?.length, 1, 'two concurrent imports of one module evaluate it once');
    assert.match(p.output, /same namespace true/);
  });

  it('runs an entry that starts with a #! line, as node does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-shebang-'));
    const entry = join(dir, 'cli.ts');
    writeFileSync(entry, "#!/usr/bin/env node\nconst n: number = 41;\nconsole.log(`shebang ${n + 1}`);\nthrow new Error('line 4');\n");
    const p = new Program([entry]);
    const { code } = await p.exited;
    assert.equal(code, 1);
    assert.match(p.output, /shebang 42/);
    assert.match(p.errors, /cli\.ts:4:7/, 'lines are unchanged');
  });

  it('runs an ES module that declares its own __filename, __dirname and require, as node requires of one', async () => {
    // The usual ESM preamble: Node has no __filename or __dirname in an ES module, so programs make their own.
    const dir = mkdtempSync(join(tmpdir(), 'baton-esm-names-'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const main = () =>
      [
        "import { dirname, basename } from 'node:path';",
        "import { fileURLToPath } from 'node:url';",
        "import { createRequire } from 'node:module';",
        'const __filename = fileURLToPath(import.meta.url);',
        'const __dirname = dirname(__filename);',
        'const require = createRequire(import.meta.url);',
        "console.log('names', basename(__filename).replace(/\\.\\w+$/, ''), __dirname === dirname(fileURLToPath(import.meta.url)), typeof require('node:path').join);",
        '',
      ].join('\n');
    for (const ext of ['ts', 'js']) writeFileSync(join(dir, `main.${ext}`), main());
    const underNode = spawnSync(process.execPath, [join(dir, 'main.js')], { encoding: 'utf8' });
    assert.equal(underNode.status, 0, underNode.stderr);
    const p = new Program([join(dir, 'main.ts')]);
    const { code } = await p.exited;
    assert.equal(code, 0, p.errors);
    assert.equal(p.output.trim(), underNode.stdout.trim());
    assert.equal(p.output.trim(), 'names main true function');
  });

  it('passes the exit code through', async () => {
    const p = new Program([MAIN, 'exit']);
    assert.equal((await p.exited).code, 7);
  });

  it('points stack traces at the .ts source lines', async () => {
    const p = new Program([MAIN, 'throw']);
    const { code } = await p.exited;
    assert.equal(code, 1);
    assert.match(p.errors, /Error: failed on purpose/);
    assert.match(p.errors, /run\/main\.ts:15:9/);
  });

  it('reads stdin', async () => {
    const p = new Program([MAIN, 'stdin']);
    p.child.stdin!.end('hello stdin\n');
    await p.exited;
    assert.match(p.output, /stdin HELLO STDIN/);
  });

  it('stops on SIGINT like node, and removes its control socket', async () => {
    const p = new Program([MAIN, 'wait']);
    await p.waitFor(/waiting/);
    const socket = join(SOCKET_DIR, `${p.pid}.sock`);
    assert.ok(existsSync(socket), 'control socket exists while running');
    p.child.kill('SIGINT');
    const { signal } = await p.exited;
    assert.equal(signal, 'SIGINT');
    assert.ok(!existsSync(socket), 'control socket removed');
  });

  it('a killed run leaves a stale socket that ls removes, and targeting it says the program is gone', async () => {
    const p = new Program(['--name', 'doomed', MAIN, 'wait']);
    await p.waitFor(/waiting/);
    const socket = join(SOCKET_DIR, `${p.pid}.sock`);
    p.child.kill('SIGKILL');
    await p.exited;
    assert.ok(existsSync(socket));
    const r = await baton(['update', socket, join(ROOT, 'test', 'fixtures', 'run')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /E_TARGET_GONE/);
    await baton(['ls']);
    assert.ok(!readdirSync(SOCKET_DIR).includes(`${p.pid}.sock`), 'ls removed the stale socket');
  });

  it('the control channel is private and answers garbage with an error, not a crash', async () => {
    const p = new Program(['--name', 'garbage', MAIN, 'wait']);
    await p.waitFor(/waiting/);
    const socket = join(SOCKET_DIR, `${p.pid}.sock`);
    const { statSync } = await import('node:fs');
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    assert.equal(statSync(SOCKET_DIR).mode & 0o077, 0);
    const reply = await new Promise<string>((resolve) => {
      const c = connect(socket, () => {
        const body = Buffer.from('{not json');
        const head = Buffer.alloc(4);
        head.writeUInt32BE(body.length);
        c.write(Buffer.concat([head, body]));
      });
      let text = '';
      c.on('data', (d) => (text += d.toString()));
      c.on('close', () => resolve(text));
    });
    assert.match(reply, /E_PROTOCOL/);
    const ls = await baton(['ls', '--json']);
    assert.ok((JSON.parse(ls.stdout) as Array<{ pid: number }>).some((x) => x.pid === p.pid), 'program still answers');
    await p.stop();
  });

  it('bad input to update: unknown target, missing directory, usage', async () => {
    const unknown = await baton(['update', 'no-such-program', join(ROOT, 'test')]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no running program named or numbered 'no-such-program' \[E_NO_TARGET\]/);
    const missing = await baton(['update', 'whatever', '/no/such/dir']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /\/no\/such\/dir is not a directory \[E_BAD_DIR\]/);
    const usage = await baton(['update', 'only-one']);
    assert.equal(usage.code, 64);
    assert.match(usage.stderr, /usage: baton update/);
  });
});
