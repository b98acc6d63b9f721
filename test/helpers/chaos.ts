// A randomized, seeded run of updates, rollbacks and failing updates against
// examples/kv under continuous, verified load (ioredis), checking after every
// step that the keyspace equals a model's, that the process is alive and runs
// the version the model expects, and that no request failed. Used by
// test/chaos.test.ts (a short run) and bench/chaos.ts (a long one).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ControlClient } from '../../src/cli/client.js';
import type { ProgramInfo } from '../../src/protocol/messages.js';
import type { UpdateOutcome } from '../../src/protocol/outcome.js';
import { BIN, freePort, ROOT } from './baton.js';

/** Each way an update can fail, and the refusal or abort it must end in. */
export const FAILURES = {
  'throwing transformer': { status: 'aborted', code: 'E_PREPARE', message: /chaos: cannot convert/ },
  'mutating-then-throwing transformer': { status: 'aborted', code: 'E_PREPARE', message: /wrote to the old state/ },
  'async transformer': { status: 'aborted', code: 'E_ASYNC_TRANSFORMER', message: /returned a promise/ },
  'looping transformer': { status: 'aborted', code: 'E_TIMEOUT', message: /ran synchronously for more than/ },
  'throwing top level': { status: 'aborted', code: 'E_PREPARE', message: /chaos: top level failed/ },
  'looping top level': { status: 'aborted', code: 'E_TIMEOUT', message: /ran synchronously for more than/ },
  'top-level await forever': { status: 'aborted', code: 'E_TIMEOUT', message: /evaluate phase did not finish/ },
  'empty directory': { status: 'refused', code: 'E_BAD_DIR', message: /has no server\.ts/ },
  'unrelated tree': { status: 'refused', code: 'E_BAD_DIR', message: /has no server\.ts/ },
  'FIFO module': { status: 'refused', code: 'E_BAD_DIR', message: /is not a regular file/ },
} as const;
export type FailureKind = keyof typeof FAILURES;
export type StepKind = 'update' | 'rollback' | FailureKind;

export interface ChaosOptions {
  readonly seed: number;
  readonly steps: number;
  /** Concurrent ioredis clients under load. */
  readonly connections?: number;
  /** --timeout of each update: what the looping and never-settling failures wait for. */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosResult {
  readonly steps: number;
  readonly counts: Record<StepKind, number>;
  readonly requests: number;
  readonly failed: number;
  readonly keysLost: number;
  /** Steps whose outcome or resulting version was not the model's. */
  readonly wrongOutcomes: number;
  /** Everything that went against the model (failed requests, wrong outcomes, keys, versions); empty on success. */
  readonly problems: string[];
  /** Lowest heapUsed over steps 1-10, and over the last 10 steps. */
  readonly heapAfter10: number;
  readonly heapFinal: number;
  readonly finalVersion: string;
  readonly seconds: number;
}

/** mulberry32: small, seedable, good enough to pick steps. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAILING_SPEC: Partial<Record<FailureKind, string>> = {
  'throwing transformer': "mode: 'lazy', fields: (old: { value: unknown }) => { if (old !== undefined) throw new Error('chaos: cannot convert ' + JSON.stringify(old.value)); return {}; }",
  'mutating-then-throwing transformer': "mode: 'eager', fields: (old: { value: unknown }) => { (old as { value: unknown }).value = 'corrupted'; throw new Error('chaos: half-way'); }",
  'async transformer': "mode: 'eager', fields: async (old: { value: unknown }) => ({ value: old.value })",
  'looping transformer': "mode: 'eager', fields: (old: { value: unknown }) => { for (;;) { if (old === null) break; } return {}; }",
};
const FAILING_MODULE: Partial<Record<FailureKind, string>> = {
  'throwing top level': "throw new Error('chaos: top level failed');\n",
  'looping top level': 'while (Date.now() > 0) {}\n',
  'top-level await forever': 'await new Promise(() => undefined);\n',
};

/** The release history in a temporary folder, with a failing variant of each release for each kind. */
function prepareVersions(): string {
  const root = mkdtempSync(join(tmpdir(), 'baton-chaos-'));
  cpSync(join(ROOT, 'examples', 'kv'), root, { recursive: true });
  for (let v = 2; v <= 5; v++) {
    const base = join(root, `v${v}`);
    for (const kind of Object.keys(FAILURES) as FailureKind[]) {
      const dir = join(root, `fail-${slug(kind)}-v${v}`);
      if (kind === 'empty directory') {
        mkdirSync(dir);
        continue;
      }
      if (kind === 'unrelated tree') {
        mkdirSync(dir);
        writeFileSync(join(dir, 'index.ts'), 'export const unrelated = true;\n');
        continue;
      }
      cpSync(base, dir, { recursive: true });
      const spec = FAILING_SPEC[kind];
      if (spec) writeFileSync(join(dir, 'baton.update.ts'), failingSpec(join(base, 'baton.update.ts'), spec));
      const module = FAILING_MODULE[kind];
      if (module) {
        // A new module the new store.ts imports: evaluated (once) in prepare, where it fails.
        writeFileSync(join(dir, 'chaos.ts'), `export const chaos = 1;\n${module}`);
        writeFileSync(join(dir, 'store.ts'), `import './chaos.js';\n${readFileSync(join(base, 'store.ts'), 'utf8')}`);
      }
      if (kind === 'FIFO module') {
        rmSync(join(dir, 'store.ts'));
        execFileSync('mkfifo', [join(dir, 'store.ts')]);
      }
    }
  }
  return root;
}

/**
 * The release's own transformer file (its program hook, its other
 * transformers) with the class transformer of Entry replaced by a failing one:
 * without the hook, v3 -> v4 would find no entries to transform (they stay in
 * the dropped `db`) and be applied, losing the keyspace.
 */
function failingSpec(file: string, entry: string): string {
  const own = existsSync(file) ? readFileSync(file, 'utf8').replace('export default defineUpdate(', 'const base: UpdateSpec = defineUpdate(') : "import { defineUpdate } from 'baton';\nconst base: UpdateSpec = {};";
  return `import type { UpdateSpec } from 'baton';\n${own}\nexport default { ...base, classes: { ...base.classes, 'store.ts': { ...base.classes?.['store.ts'], Entry: { ${entry} } } } };\n`;
}

function slug(kind: string): string {
  return kind.replace(/[^a-z]+/gi, '-').toLowerCase();
}

/**
 * Load whose every answer is checked against a model: each client owns its
 * keys (so no two clients race on one), sets, reads and deletes them at
 * random. `quiesce` waits for the requests in flight, so the keyspace can be
 * compared with the model between steps.
 */
class ModelLoad {
  readonly model = new Map<string, string>();
  requests = 0;
  failed = 0;
  readonly errors: string[] = [];
  private readonly clients: Redis[] = [];
  private loops: Array<Promise<void>> = [];
  private running = false;
  private paused = false;
  private idle = 0;
  private resume: () => void = () => undefined;
  private resumed: Promise<void> = Promise.resolve();

  constructor(
    private readonly port: number,
    private readonly connections: number,
    private readonly random: () => number,
  ) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.connections; i++) {
      const client = new Redis({ host: '127.0.0.1', port: this.port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
      client.on('error', () => undefined);
      await client.connect();
      this.clients.push(client);
    }
    // Keys that stay for the whole run: every class transformer always has instances to run on.
    for (let j = 0; j < 200; j++) {
      await this.clients[0]!.set(`static:${j}`, `s${j}`);
      this.model.set(`static:${j}`, `s${j}`);
    }
    this.running = true;
    this.loops = this.clients.map((c, i) => this.loop(c, i));
  }

  private async loop(client: Redis, id: number): Promise<void> {
    let n = 0;
    while (this.running) {
      if (this.paused) {
        this.idle++;
        await this.resumed;
        this.idle--;
        continue;
      }
      const key = `c${id}:${Math.floor(this.random() * 100)}`;
      const r = this.random();
      try {
        this.requests++;
        if (r < 0.5) {
          const value = `${id}-${n++}`;
          const reply = await client.set(key, value);
          if (reply !== 'OK') this.fail(`SET ${key} answered ${reply}`);
          this.model.set(key, value);
        } else if (r < 0.9) {
          const got = await client.get(key);
          const expected = this.model.get(key) ?? null;
          if (got !== expected) this.fail(`GET ${key} answered ${got}, the model says ${expected}`);
        } else {
          const removed = await client.del(key);
          if (removed !== (this.model.has(key) ? 1 : 0)) this.fail(`DEL ${key} answered ${removed}`);
          this.model.delete(key);
        }
      } catch (error) {
        this.fail(`${key}: ${(error as Error).message}`);
        if (client.status !== 'ready') return;
      }
    }
  }

  private fail(message: string): void {
    this.failed++;
    if (this.errors.length < 20) this.errors.push(message);
  }

  async quiesce(): Promise<void> {
    this.resumed = new Promise((resolve) => (this.resume = resolve));
    this.paused = true;
    while (this.idle < this.loops.length && this.running) await new Promise((r) => setTimeout(r, 2));
  }

  go(): void {
    this.paused = false;
    this.resume();
  }

  /** Keys that differ from the model (missing, wrong value, or not in the model at all). */
  async lost(): Promise<string[]> {
    const client = this.clients[0]!;
    const keys = [...this.model.keys()];
    const out: string[] = [];
    for (let i = 0; i < keys.length; i += 500) {
      const slice = keys.slice(i, i + 500);
      const values = await client.mget(...slice);
      slice.forEach((k, j) => {
        if (values[j] !== this.model.get(k)) out.push(`${k}: ${values[j]} (model: ${this.model.get(k)})`);
      });
    }
    const size = await client.dbsize();
    if (size !== keys.length) out.push(`DBSIZE ${size}, the model holds ${keys.length}`);
    return out;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.go();
    await Promise.all(this.loops);
    for (const c of this.clients) c.disconnect();
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = prng(options.seed);
  const timeoutMs = options.timeoutMs ?? 2500;
  const root = prepareVersions();
  const socketDir = mkdtempSync(join(tmpdir(), 'baton-chaos-sock-'));
  const env = { ...process.env, BATON_SOCKET_DIR: socketDir };
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [BIN, 'run', '--name', `chaos-${process.pid}`, join(root, 'v1', 'server.ts'), '--', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const problems: string[] = [];
  // Outcomes and versions against the model (also in `problems`).
  const wrong: string[] = [];
  const counts = Object.fromEntries(['update', 'rollback', ...Object.keys(FAILURES)].map((k) => [k, 0])) as Record<StepKind, number>;
  let load: ModelLoad | undefined;
  let control: ControlClient | undefined;
  let keysLost = 0;
  let reported = 0;
  // heapUsed after every step, as the program reports it (no gc forced).
  const heaps: number[] = [];
  // The versions the program went through, newest last: where a rollback returns.
  const versions = [1];
  try {
    for (let i = 0; i < 200 && !/listening/.test(output); i++) await new Promise((r) => setTimeout(r, 50));
    if (!/listening/.test(output)) throw new Error(`kv did not start: ${output}`);
    control = await ControlClient.open(join(socketDir, `${child.pid}.sock`), 10_000);
    // Its own generator: the load's draws interleave with the steps' by timing, which must not change the steps.
    load = new ModelLoad(port, options.connections ?? 4, prng(options.seed + 1));
    await load.start();
    // A dry run first: the compile worker's first start (esbuild) is not what a step's deadline should measure.
    await control.request({ type: 'update', dir: join(root, 'v2'), dryRun: true, timeoutMs: 60_000 });
    const info = async () => ((await control!.request({ type: 'info' })) as { info: ProgramInfo }).info;

    for (let step = 1; step <= options.steps; step++) {
      const current = versions[versions.length - 1]!;
      const choices: StepKind[] = [];
      if (current < 5) choices.push('update', 'update', 'update');
      if (versions.length > 1) choices.push('rollback', 'rollback');
      choices.push(...(Object.keys(FAILURES) as FailureKind[]));
      const kind = choices[Math.floor(random() * choices.length)]!;
      counts[kind]++;
      const t0 = Date.now();
      let outcome: UpdateOutcome;
      if (kind === 'rollback') {
        outcome = ((await control.request({ type: 'rollback', dryRun: false, timeoutMs: 30_000 })) as { outcome: UpdateOutcome }).outcome;
        if (outcome.status === 'applied') versions.pop();
        else wrong.push(`step ${step}: rollback from v${current} was ${outcome.status}: ${'reason' in outcome ? outcome.reason.message : ''}`);
      } else if (kind === 'update') {
        outcome = ((await control.request({ type: 'update', dir: join(root, `v${current + 1}`), dryRun: false, timeoutMs: 30_000 })) as { outcome: UpdateOutcome }).outcome;
        if (outcome.status === 'applied') versions.push(current + 1);
        else wrong.push(`step ${step}: update v${current} -> v${current + 1} was ${outcome.status}: ${'reason' in outcome ? outcome.reason.message : ''}`);
      } else {
        const target = Math.min(current + 1, 5);
        const dir = join(root, `fail-${slug(kind)}-v${target}`);
        outcome = ((await control.request({ type: 'update', dir, dryRun: false, timeoutMs })) as { outcome: UpdateOutcome }).outcome;
        const expected = FAILURES[kind];
        const reason = 'reason' in outcome ? outcome.reason : undefined;
        if (outcome.status !== expected.status || reason?.code !== expected.code || !expected.message.test(reason.message)) {
          wrong.push(`step ${step}: ${kind} (v${current} -> ${dir}) ended ${outcome.status} ${reason?.code ?? ''} ${reason?.message ?? ''}, expected ${expected.status} ${expected.code}`);
          if (outcome.status === 'applied') versions.push(target);
        }
      }
      // The check after every step: no request failed, the keyspace is the model's, the process runs the expected version.
      await load.quiesce();
      const lost = await load.lost();
      keysLost += lost.filter((l) => !l.startsWith('DBSIZE')).length;
      problems.push(...lost.slice(0, 5).map((l) => `step ${step} (${kind}): ${l}`));
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the program died at step ${step} (${kind}): ${output.slice(-2000)}`);
      const now = await info();
      if (now.version.label !== `v${versions[versions.length - 1]}`) wrong.push(`step ${step} (${kind}): the program runs ${now.version.label}, the model says v${versions[versions.length - 1]}`);
      problems.push(...wrong.slice(reported));
      reported = wrong.length;
      heaps.push(now.memory.heapUsed);
      log(`step ${step}: ${kind} -> ${outcome.status}${'reason' in outcome ? ` (${outcome.reason.code})` : ''}, v${versions[versions.length - 1]}, ${Date.now() - t0} ms, requests ${load.requests}, failed ${load.failed}`);
      load.go();
      if (load.failed > 0) problems.push(...load.errors.splice(0).map((e) => `step ${step} (${kind}): ${e}`));
    }
    // A while after the last step, the keyspace is still the model's.
    await new Promise((r) => setTimeout(r, 500));
    await load.quiesce();
    const lost = await load.lost();
    keysLost += lost.filter((l) => !l.startsWith('DBSIZE')).length;
    problems.push(...lost.slice(0, 5).map((l) => `after the run: ${l}`));
    return {
      steps: options.steps,
      counts,
      requests: load.requests,
      failed: load.failed,
      keysLost,
      wrongOutcomes: wrong.length,
      problems,
      // The lowest reading of a window is the nearest to the live heap.
      heapAfter10: Math.min(...heaps.slice(0, 10)),
      heapFinal: Math.min(...heaps.slice(-10)),
      finalVersion: `v${versions[versions.length - 1]}`,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await load?.stop().catch(() => undefined);
    control?.close();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    rmSync(socketDir, { recursive: true, force: true });
  }
}
