import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { BIN, ENV, get } from './baton.js';

export interface TimedResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time until the command exited (or was killed at the limit). */
  readonly ms: number;
  /** Killed at `limitMs`: the command hung. */
  readonly hung: boolean;
}

/** Runs the real `baton`, killing it after `limitMs`, so a hang is a failed assertion, not a stuck test. */
export function batonWithin(args: readonly string[], limitMs: number, env: NodeJS.ProcessEnv = ENV, options: { uid?: number; gid?: number } = {}): Promise<TimedResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started, hung });
    });
  });
}

/** One frame as the protocol has it: a 4-byte big-endian length, then JSON (written by hand: the test does not trust baton's encoder). */
export function frame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Decodes whole frames from a byte stream. */
export function frames(bytes: Buffer): unknown[] {
  const out: unknown[] = [];
  let at = 0;
  while (bytes.length - at >= 4) {
    const n = bytes.readUInt32BE(at);
    if (bytes.length - at - 4 < n) break;
    out.push(JSON.parse(bytes.subarray(at + 4, at + 4 + n).toString('utf8')));
    at += 4 + n;
  }
  return out;
}

/**
 * A server posing as a baton program on a Unix socket (what another local
 * user could plant): answers the handshake and `info`, and records every
 * request it receives, so a test can show baton never sent it an update.
 */
export class FakeProgram {
  readonly requests: string[] = [];
  connections = 0;
  private constructor(readonly server: Server, readonly path: string) {}

  static async listen(path: string, pid = 4242): Promise<FakeProgram> {
    let fake: FakeProgram | undefined;
    const server = createServer((socket: Socket) => {
      fake!.connections += 1;
      let buffer = Buffer.alloc(0);
      socket.on('error', () => {});
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        const all = frames(buffer);
        buffer = Buffer.alloc(0);
        for (const message of all as Array<{ id: number; request: { type: string } }>) {
          fake!.requests.push(message.request.type);
          const body =
            message.request.type === 'hello'
              ? { type: 'hello', protocol: 1, pid }
              : message.request.type === 'info'
                ? { type: 'info', info: fakeInfo(path, pid) }
                : { type: 'outcome', outcome: { status: 'applied', from: fakeInfo(path, pid).version, to: fakeInfo(path, pid).version, modules: [], warnings: [], timing: { pauseMs: 0, commitMs: 0, totalMs: 0 } } };
          socket.write(frame({ id: message.id, ok: true, body }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    fake = new FakeProgram(server, path);
    return fake;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function fakeInfo(socket: string, pid: number) {
  return {
    name: 'impostor',
    pid,
    entry: '/somewhere/main.ts',
    socket,
    version: { label: 'v1', dir: '/somewhere', hash: 'ffffffffffff' },
    startedAt: 0,
    uptimeMs: 1,
    node: process.version,
    history: [],
    memory: { heapUsed: 0, rss: 0 },
    sweeps: [],
  };
}

/** Opens a raw connection to a control socket; resolves once connected. */
export function rawConnect(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path, () => resolve(s));
    s.once('error', reject);
  });
}

/** The process's resident set, from /proc (Linux), in bytes. */
export function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 'NaN') * 1024;
}

/** How many file descriptors the process holds, from /proc (Linux). */
export function fdsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * Sequential requests against the program's own HTTP server until stopped:
 * the program's own traffic, which the control channel must never starve.
 * It stops by itself after `limitMs` too: a test whose assertion fails before
 * its stop() must not leave it requesting forever (the test file then never
 * ends, as happened on Node 24 when the flood test failed).
 */
export class Traffic {
  served = 0;
  failed = 0;
  worstMs = 0;
  private running = true;
  private readonly done: Promise<void>;

  constructor(port: number, limitMs = 120_000) {
    const until = Date.now() + limitMs;
    this.done = (async () => {
      while (this.running && Date.now() < until) {
        const started = Date.now();
        try {
          const body = await get(port, '/get?k=key:7');
          if (body === 'value:7') this.served += 1;
          else this.failed += 1;
        } catch {
          this.failed += 1;
        }
        this.worstMs = Math.max(this.worstMs, Date.now() - started);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}
