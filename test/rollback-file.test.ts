import { strict as assert } from 'node:assert';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { baton, copyFixture, deriveVersion, ENV, freePort, get, Program } from './helpers/baton.js';

// v2 of the reload fixture shipped without reverse transformers; they are
// written after the update was applied and given to `baton rollback`.
const FIX = copyFixture('reload');
const full = readFileSync(join(FIX, 'v2', 'baton.update.ts'), 'utf8');
const at = full.indexOf('  reverse: {');
assert.ok(at > 0, 'the fixture has a reverse section to split off');
deriveVersion(FIX, 'v2', 'v2-forward-only', { 'baton.update.ts': `${full.slice(0, at)}});\n` });
// The reverse section alone, in a file of its own beside the version it takes back from.
const REVERSE = join(FIX, 'v2-forward-only', 'rollback.update.ts');
writeFileSync(REVERSE, `${full.slice(0, full.indexOf('export default'))}export default defineUpdate({\n${full.slice(at)}`.replace(/'\.\.\/v1\//g, "'../v1/"));
const EMPTY = join(FIX, 'v2-forward-only', 'empty.update.ts');
writeFileSync(EMPTY, `import { defineUpdate } from 'baton';\n\nexport default defineUpdate({});\n`);

interface Outcome {
  status: string;
  reason?: { code: string; message: string; hint?: string };
}

async function run(args: string[]): Promise<{ code: number | null; outcome: Outcome }> {
  const r = await baton([...args, '--json']);
  assert.ok(r.stdout, r.stderr);
  return { code: r.code, outcome: JSON.parse(r.stdout) as Outcome };
}

describe('baton rollback --update-file: reverse transformers given at rollback time', () => {
  let program: Program;
  let port: number;
  const name = `rollback-file-${process.pid}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const q = (path: string) => get(port, path, agent);
  let v1Digest = '';

  before(async () => {
    program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')], { ...ENV, PORT: String(await freePort()) });
    port = Number((await program.waitFor(/port (\d+)/))[1]);
    await q('/set?k=a&v=1');
    await q('/set?k=b&v=2');
    await q('/user?id=u1&name=ada');
    await q('/account?id=acc1&owner=bob&balance=10');
    v1Digest = await q('/digest');
    const { code, outcome } = await run(['update', name, join(FIX, 'v2-forward-only'), '--no-check']);
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.match(await q('/version'), /^v2 pinned-1/);
  });
  after(async () => {
    agent.destroy();
    await program.stop();
  });

  it('without a reverse, rollback is refused with E_NO_REVERSE naming --update-file, and nothing changes', async () => {
    const v2Digest = await q('/digest');
    const { code, outcome } = await run(['rollback', name]);
    assert.equal(code, 2);
    assert.equal(outcome.reason?.code, 'E_NO_REVERSE');
    assert.match(outcome.reason?.hint ?? '', /baton rollback <target> --update-file <file>/);
    const empty = await run(['rollback', name, '--update-file', EMPTY]);
    assert.equal(empty.code, 2);
    assert.equal(empty.outcome.reason?.code, 'E_NO_REVERSE');
    assert.match(empty.outcome.reason?.message ?? '', /empty\.update\.ts has no `reverse: \{ \.\.\. \}` section/);
    const missing = await baton(['rollback', name, '--update-file', join(FIX, 'nope.ts')]);
    assert.equal(missing.code, 64, 'a usage error');
    assert.match(missing.stderr, /--update-file .*nope\.ts is not a file/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no baton stack trace');
    // --ready and --grace are for a rollback after a hand-off; this one is in place.
    const grace = await baton(['rollback', name, '--grace', '100']);
    assert.equal(grace.code, 64, grace.stderr);
    assert.match(grace.stderr, /the rollback is in place .*\[E_USAGE\]/);
    assert.match(grace.stderr, /drop --ready and --grace/);
    assert.match(await q('/version'), /^v2 pinned-1/);
    assert.equal(await q('/digest'), v2Digest);
  });

  it('with --update-file, rollback takes its reverse transformers: the old code on the old state, and still a while later', async () => {
    const { code, outcome } = await run(['rollback', name, '--update-file', REVERSE]);
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.equal(outcome.status, 'applied');
    assert.match(await q('/version'), /^v1 pinned-1/);
    assert.deepEqual(JSON.parse(await q('/digest')), JSON.parse(v1Digest));
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(JSON.parse(await q('/digest')), JSON.parse(v1Digest));
    assert.equal(await q('/get?k=a'), '"1"');
  });
});
