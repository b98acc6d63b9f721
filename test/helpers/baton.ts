import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/...). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'baton.js');

/** Each test file gets its own control directory, so parallel files never see each other's programs. */
export const SOCKET_DIR = mkdtempSync(join(tmpdir(), 'baton-test-sock-'));
export const ENV = { ...process.env, BATON_SOCKET_DIR: SOCKET_DIR };

/** Writes a program's versions into a temporary folder: { v1: { 'main.ts': '...' }, v2: {...} }. */
export function writeVersions(versions: Record<string, Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'baton-test-'));
  for (const [version, files] of Object.entries(versions)) {
    for (const [path, text] of Object.entries(files)) {
      const file = join(root, version, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }
  return root;
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `baton` command to completion. */
export function baton(args: readonly string[], env: NodeJS.ProcessEnv = ENV): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A program started with `baton run`, its output collected line by line. */
export class Program {
  readonly child: ChildProcess;
  output = '';
  errors = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = ENV, nodeFlags: readonly string[] = []) {
    this.child = spawn(process.execPath, [...nodeFlags, BIN, 'run', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.output += d.toString();
      this.waiters.forEach((w) => w());
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.errors += d.toString();
      this.waiters.forEach((w) => w());
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Resolves with the first match of `pattern` in stdout, or rejects after
   * `ms`: a guard against a program that never starts, not a speed target
   * (at load 20 on this 2-core machine a start took more than 10 s).
   */
  waitFor(pattern: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.output.match(pattern);
        if (m) {
          this.waiters = this.waiters.filter((w) => w !== check);
          clearTimeout(timer);
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${pattern}; stdout: ${this.output.slice(-500)} stderr: ${this.errors.slice(-1000)}`));
      }, ms);
      this.waiters.push(check);
      check();
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** GET a path from a loopback server, returning the body. */
export async function get(port: number, path = '/', agent?: import('node:http').Agent): Promise<string> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, ...(agent ? { agent } : {}) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

/** The pids `baton ls` lists under `name` (a hand-off moves a program to a new pid). */
export async function listedPids(name: string): Promise<number[]> {
  const r = await baton(['ls', '--json']);
  return (JSON.parse(r.stdout) as Array<{ name?: string; pid: number }>).filter((p) => p.name === name).map((p) => p.pid);
}

/** A port the kernel just handed out on loopback: free, unlike a guessed one. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Copies a fixture's versions to a temporary folder, so a test can add
 * variants of one version (a file changed, added or removed) beside the
 * others, which their relative imports of older versions need.
 */
export function copyFixture(name: string): string {
  const root = mkdtempSync(join(tmpdir(), `baton-${name}-`));
  cpSync(join(ROOT, 'test', 'fixtures', name), root, { recursive: true });
  return root;
}

/** Writes `root/<to>` as a copy of `root/<from>` with some files replaced (text) or removed (null). */
export function deriveVersion(root: string, from: string, to: string, changes: Record<string, string | null>): string {
  const dir = join(root, to);
  cpSync(join(root, from), dir, { recursive: true });
  for (const [path, text] of Object.entries(changes)) {
    if (text === null) rmSync(join(dir, path));
    else {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  }
  return dir;
}

/** `baton update <name> <dir> --handoff --json`: its exit code, the outcome, stderr. */
export async function handoff(name: string, dir: string, extra: string[] = []): Promise<{ code: number | null; outcome: Record<string, unknown>; stderr: string }> {
  // Starting a process is a step with a deadline: generous by default, since the machine may be busy (a test that wants a short one gives its own).
  const r = await baton(['update', name, dir, '--handoff', '--no-check', '--json', '--timeout', '90000', ...extra]);
  if (!r.stdout) throw new Error(`baton update --handoff printed no outcome: ${r.stderr}`);
  return { code: r.code, outcome: JSON.parse(r.stdout) as Record<string, unknown>, stderr: r.stderr };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
