import { strict as assert } from 'node:assert';
import { readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { baton, copyFixture, deriveVersion, get, Program } from './helpers/baton.js';

// A hub created once at start-up holds every open WebSocket connection (the
// `ws` package, real clients). Three updates each change hub.ts structurally:
// a new top-level constant, a new method, a new top-level function and
// message type. The hub, its connections and its counter go on, and the
// program still has exactly one listening server.
const FIX = copyFixture('websocket');
symlinkSync(resolve(fileURLToPath(new URL('../../node_modules', import.meta.url))), join(FIX, 'node_modules'), 'dir');
const hub1 = readFileSync(join(FIX, 'v1', 'hub.ts'), 'utf8');
const hub2 = hub1
  .replace("import type { WebSocket, WebSocketServer } from 'ws';", "import type { WebSocket, WebSocketServer } from 'ws';\n\nconst PREFIX = 'v2:';")
  .replace("text: msg.text, n: this.messages", 'text: PREFIX + msg.text, n: this.messages');
deriveVersion(FIX, 'v1', 'v2', { 'hub.ts': hub2 });
const hub3 = hub2
  .replace('  handle(text: string): string {', '  stats(): string {\n    return `${this.clients.size} clients, ${this.messages} messages`;\n  }\n\n  handle(text: string): string {')
  .replace("    return JSON.stringify({ type: 'error'", "    if (msg.type === 'stats') return JSON.stringify({ type: 'stats', text: this.stats() });\n    return JSON.stringify({ type: 'error'");
deriveVersion(FIX, 'v2', 'v3', { 'hub.ts': hub3 });
const hub4 = hub3
  .replace('// A chat hub', "function broadcast(clients: Set<WebSocket>, text: string): number {\n  for (const c of clients) c.send(JSON.stringify({ type: 'broadcast', text }));\n  return clients.size;\n}\n\n// A chat hub")
  .replace("    if (msg.type === 'stats')", "    if (msg.type === 'broadcast') return JSON.stringify({ type: 'sent', to: broadcast(this.clients, msg.text ?? '') });\n    if (msg.type === 'stats')");
deriveVersion(FIX, 'v3', 'v4', { 'hub.ts': hub4 });

interface Client {
  ws: WebSocket;
  inbox: Array<Record<string, unknown>>;
  waiters: Array<() => void>;
}

async function open(port: number): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  const client: Client = { ws, inbox: [], waiters: [] };
  ws.on('message', (data) => {
    client.inbox.push(JSON.parse(String(data)) as Record<string, unknown>);
    client.waiters.splice(0).forEach((w) => w());
  });
  await new Promise<void>((ok, fail) => {
    ws.once('open', ok);
    ws.once('error', fail);
  });
  return client;
}

/** Sends one message and returns the next answer of that type (a broadcast may arrive between). */
async function ask(client: Client, message: object, type?: string): Promise<Record<string, unknown>> {
  const want = type ?? (message as { type: string }).type;
  client.inbox = client.inbox.filter((m) => m['type'] !== want);
  client.ws.send(JSON.stringify(message));
  return next(client, want, JSON.stringify(message));
}

/** The first message of `want` in the client's inbox, waiting up to 10 s. */
async function next(client: Client, want: string, what = want): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = client.inbox.find((m) => m['type'] === want);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${want} answer to ${what}; got ${JSON.stringify(client.inbox)}`);
    await new Promise<void>((ok) => {
      client.waiters.push(ok);
      setTimeout(ok, 200);
    });
  }
}

interface State {
  born: string;
  clients: number;
  messages: number;
  listening: number[];
}

describe('baton update: an object created at start-up keeps its open WebSocket connections across three structural updates', () => {
  let program: Program;
  let port: number;
  let clients: Client[] = [];
  const name = `websocket-${process.pid}`;
  const state = async () => JSON.parse(await get(port, '/state')) as State;

  before(async () => {
    program = new Program(['--name', name, join(FIX, 'v1', 'main.ts')]);
    port = Number((await program.waitFor(/port (\d+)/, 30_000))[1]);
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    await program.stop();
  });

  it('answers on the connections opened before each update, right after it and a second later; one hub, one server', async () => {
    clients = [await open(port), await open(port)];
    const [a, b] = clients as [Client, Client];
    assert.deepEqual(await ask(a, { type: 'echo', text: 'x' }), { type: 'echo', text: 'x', n: 1 });
    assert.deepEqual(await ask(b, { type: 'echo', text: 'y' }), { type: 'echo', text: 'y', n: 2 });
    const first = await state();
    assert.deepEqual({ clients: first.clients, messages: first.messages, listening: first.listening }, { clients: 2, messages: 2, listening: [port] });

    let n = 2;
    const steps: Array<{ dir: string; check: () => Promise<void> }> = [
      {
        dir: 'v2',
        check: async () => {
          n++;
          assert.deepEqual(await ask(a, { type: 'echo', text: 'x' }), { type: 'echo', text: 'v2:x', n }, 'the new constant, on a connection opened before');
        },
      },
      {
        dir: 'v3',
        check: async () => {
          n++;
          assert.deepEqual(await ask(b, { type: 'stats' }), { type: 'stats', text: `2 clients, ${n} messages` }, 'the new method on the live hub');
        },
      },
      {
        dir: 'v4',
        check: async () => {
          n++;
          for (const c of [a, b]) c.inbox = c.inbox.filter((m) => m['type'] !== 'broadcast');
          assert.deepEqual(await ask(a, { type: 'broadcast', text: 'hi' }, 'sent'), { type: 'sent', to: 2 }, 'the new message type');
          for (const c of [a, b]) assert.deepEqual(await next(c, 'broadcast'), { type: 'broadcast', text: 'hi' }, 'the new function reaches both old connections');
          n++;
          assert.deepEqual(await ask(b, { type: 'echo', text: 'z' }), { type: 'echo', text: 'v2:z', n });
        },
      },
    ];
    for (const step of steps) {
      const r = await baton(['update', name, join(FIX, step.dir), '--json']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const outcome = JSON.parse(r.stdout) as { status: string; modules: Array<{ id: string; mechanism: string }> };
      assert.equal(outcome.status, 'applied');
      assert.deepEqual(outcome.modules.map((m) => [m.id, m.mechanism]), [['hub.ts', 'live']], `${step.dir}: hub.ts changes on the live module`);
      // Right after the update, then a second later: the same hub, both connections, the counter going on, one server.
      for (const when of ['right after', 'a second later']) {
        if (when !== 'right after') await sleep(1000);
        await step.check();
        const s = await state();
        assert.deepEqual({ born: s.born, clients: s.clients, messages: s.messages, listening: s.listening }, { born: first.born, clients: 2, messages: n, listening: [port] }, `${step.dir}, ${when}`);
      }
    }
    assert.ok(!/\berror\b/i.test(program.errors), program.errors);
  });
});
