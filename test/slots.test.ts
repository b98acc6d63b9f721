import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { baton, copyFixture, deriveVersion, Program } from './helpers/baton.js';

// v1 is a TCP line server; v2 changes only function bodies: the connection's
// 'data' listener, a getter, a setter, a static method, a method calling
// super, a suspended async function, a suspended generator, and a closure
// whose new body captures a variable the old one did not.
const FIX = copyFixture('slots');
const v1 = (file: string) => readFileSync(join(FIX, 'v1', file), 'utf8');
deriveVersion(FIX, 'v1', 'v2', {
  'store.ts': v1('store.ts')
    .replace('return `size=${this.#items.size}`;', 'return `count=${this.#items.size}`;')
    .replace('this.#limit = value;', 'this.#limit = value + 1;')
    .replace("return 'store v1';", "return 'store v2';")
    .replace('return `${result} (audited)`;', 'return `${result} (audited v2)`;'),
  'jobs.ts': v1('jobs.ts').replaceAll('-v1', '-v2').replace("  const lines = (new Error('trace').stack ?? '').split('\\n');", "  // v2: one line further down, and a body that differs.\n  const lines = (new Error('trace').stack ?? '').split(/\\n/);"),
  'main.ts': v1('main.ts')
    .replace('socket.write(`v1 #${lines} ${reply}\\n`);', 'socket.write(`v2 #${lines} ${reply}\\n`);')
    .replace('const banner = () => `welcome #${id}`;', "const banner = () => `welcome #${id} (since ${connectedAt > 0 ? 'start' : '?'})`;"),
});

/** A line-protocol client on one TCP connection. */
class Client {
  private buffered = '';
  private waiting: Array<(line: string) => void> = [];
  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      let at: number;
      while ((at = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, at);
        this.buffered = this.buffered.slice(at + 1);
        this.waiting.shift()?.(line);
      }
    });
  }
  static open(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }
  send(line: string): Promise<string> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(`${line}\n`);
    });
  }
  get closed(): boolean {
    return this.socket.destroyed;
  }
  close(): void {
    this.socket.end();
  }
}

interface Fn {
  name: string;
  change: string;
  oldFrames?: number;
  newCaptures?: string[];
}
interface Outcome {
  status: string;
  modules: Array<{ id: string; mechanism: string; functions: Fn[] }>;
  timing: { pauseMs: number; commitMs: number };
}

describe('baton update: a patch swaps slots under open connections, suspended frames and stored closures', () => {
  let program: Program;
  let port: number;
  let c1: Client;
  const name = `slots-${process.pid}`;

  before(async () => {
    program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/))[1]);
    c1 = await Client.open(port);
  });
  /** A TRACE on a connection of its own, so c1's line numbers stay as the test counts them. */
  async function c2Trace(): Promise<string> {
    const c = await Client.open(port);
    try {
      return (await c.send('TRACE')).replace(/^v\d #\d+ /, '');
    } finally {
      c.close();
    }
  }

  after(async () => {
    // c1 is unset when before() failed (the program never printed its port):
    // the program must still be stopped, or this file never ends.
    c1?.close();
    await program.stop();
  });

  it('runs in strict mode like node: writing a frozen object throws', async () => {
    assert.equal(await c1.send('FREEZE'), 'v1 #1 refused: TypeError');
  });

  it('shows one stack frame per call, in .ts lines, and the new source after a patch', async () => {
    const before = await c2Trace();
    assert.match(before, /^at trace \(.*\/v1\/jobs\.ts:22:\d+\) \| at handle \(.*\/v1\/main\.ts:\d+:\d+\)$/);
  });

  it('patches every kind of function at once; the open connection, its closures and the suspended frames keep their state', async () => {
    assert.equal(await c1.send('SET a 1'), 'v1 #2 OK (audited)');
    assert.equal(await c1.send('SIZE'), 'v1 #3 size=1');
    assert.equal(await c1.send('LIMIT 5'), 'v1 #4 limit=5');
    assert.equal(await c1.send('DESCRIBE'), 'v1 #5 store v1');
    assert.equal(await c1.send('JOB'), 'v1 #6 started');
    assert.equal(await c1.send('STEPS'), 'v1 #7 step1-v1');
    assert.equal(await c1.send('BANNER'), 'v1 #8 welcome #1');

    const r = await baton(['update', name, join(FIX, 'v2'), '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const outcome = JSON.parse(r.stdout) as Outcome;
    assert.equal(outcome.status, 'applied');
    assert.deepEqual(outcome.modules.map((m) => [m.id, m.mechanism]).sort(), [
      ['jobs.ts', 'patch'],
      ['main.ts', 'patch'],
      ['store.ts', 'patch'],
    ]);
    const fn = (id: string, path: string) => outcome.modules.find((m) => m.id === id)?.functions.find((f) => f.name === path);
    assert.equal(fn('jobs.ts', 'slowJob')?.oldFrames, 1, 'one async frame finishes on the old body');
    assert.equal(fn('jobs.ts', 'steps')?.oldFrames, 1, 'one generator frame finishes on the old body');
    assert.deepEqual(fn('main.ts', 'onConnection/banner')?.newCaptures, ['connectedAt']);
    for (const path of ['Store.get size', 'Store.set limit', 'Store.static describe', 'AuditedStore.set']) assert.ok(fn('store.ts', path), `${path} patched: ${JSON.stringify(outcome.modules)}`);

    // The same connection: its 'data' listener runs the new body on its own state (the line count goes on).
    assert.equal(await c1.send('GET a'), 'v2 #9 1');
    assert.equal(await c1.send('SIZE'), 'v2 #10 count=1', 'getter');
    assert.equal(await c1.send('LIMIT 5'), 'v2 #11 limit=6', 'setter');
    assert.equal(await c1.send('DESCRIBE'), 'v2 #12 store v2', 'static method');
    assert.equal(await c1.send('SET b 2'), 'v2 #13 OK (audited v2)', 'method calling super');
    // Frames in flight finish the bodies they started with; new calls run the new ones.
    assert.equal(await c1.send('NEXT'), 'v2 #14 step2-v1');
    assert.equal(await c1.send('STEPS'), 'v2 #15 step1-v2');
    assert.equal(await c1.send('RELEASE'), 'v2 #16 released');
    assert.equal(await c1.send('DONE'), 'v2 #17 job-v1');
    assert.equal(await c1.send('JOB'), 'v2 #18 started');
    assert.equal(await c1.send('RELEASE'), 'v2 #19 released');
    assert.equal(await c1.send('DONE'), 'v2 #20 job-v1,job-v2');
    // A closure made before the update keeps its body (the new one needs a capture it does not pass); a new connection's gets the new one.
    assert.equal(await c1.send('BANNER'), 'v2 #21 welcome #1');
    const c2 = await Client.open(port);
    assert.equal(await c2.send('BANNER'), 'v2 #1 welcome #3 (since start)');
    c2.close();

    // A trace from a patched body points at the new source.
    assert.match(await c2Trace(), /^at trace \(.*\/v2\/jobs\.ts:23:\d+\) \| at handle \(.*\/v1\/main\.ts:\d+:\d+\)$/);

    // Again a second later: the same state, the same connection, the process alive.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await c1.send('SIZE'), 'v2 #22 count=2');
    assert.equal(await c1.send('GET b'), 'v2 #23 2');
    assert.equal(c1.closed, false);
  });

  it('rolls back to v1 the same way', async () => {
    const r = await baton(['rollback', name, '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((JSON.parse(r.stdout) as Outcome).status, 'applied');
    assert.equal(await c1.send('SIZE'), 'v1 #24 size=2');
    assert.equal(await c1.send('DESCRIBE'), 'v1 #25 store v1');
    assert.equal(await c1.send('GET a'), 'v1 #26 1');
  });
});
