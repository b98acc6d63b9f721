import { Redis } from 'ioredis';

/** Writes `key:N` = `value-N` for N below `keys`, in pipelines of 10,000; a failed write fails the bench. */
export async function fillKeys(client: Redis, keys: number): Promise<void> {
  for (let i = 0; i < keys; i += 10_000) {
    const pipe = client.pipeline();
    for (let j = i; j < Math.min(keys, i + 10_000); j++) pipe.set(`key:${j}`, `value-${j}`);
    const res = await pipe.exec();
    if (res?.some(([e]) => e)) throw new Error('fill failed');
  }
}

export interface LoadStats {
  requests: number;
  failed: number;
  dropped: number;
  /** Latencies in ms, split by whether an update window was open when the request was sent. */
  inside: number[];
  outside: number[];
  errors: string[];
}

/**
 * Continuous, verified load on a kv server: each client owns its keys, writes
 * a value, reads it back and checks it. A wrong value, an error reply or a
 * closed connection counts as a failure. Bounded: stops at `stop()` or after
 * `maxMs`, whichever comes first.
 */
export class KvLoad {
  readonly stats: LoadStats = { requests: 0, failed: 0, dropped: 0, inside: [], outside: [], errors: [] };
  private readonly clients: Redis[] = [];
  private running = false;
  private windowOpen = false;
  private loops: Array<Promise<void>> = [];

  constructor(
    private readonly port: number,
    private readonly connections: number,
    private readonly maxMs = 120_000,
  ) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.connections; i++) {
      const client = new Redis({ host: '127.0.0.1', port: this.port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
      client.on('error', () => {});
      client.on('close', () => {
        if (this.running) this.stats.dropped++;
      });
      await client.connect();
      this.clients.push(client);
    }
    this.running = true;
    const until = Date.now() + this.maxMs;
    this.loops = this.clients.map((c, i) => this.loop(c, i, until));
  }

  /** Marks requests sent from now on as inside an update window. */
  window(open: boolean): void {
    this.windowOpen = open;
  }

  async stop(): Promise<LoadStats> {
    this.running = false;
    await Promise.all(this.loops);
    for (const c of this.clients) c.disconnect();
    return this.stats;
  }

  private async loop(client: Redis, id: number, until: number): Promise<void> {
    let n = 0;
    while (this.running && Date.now() < until) {
      const key = `load:${id}:${n % 1000}`;
      const value = `${id}-${n}`;
      n++;
      const inside = this.windowOpen;
      const t0 = performance.now();
      try {
        await client.set(key, value);
        const got = await client.get(key);
        const ms = (performance.now() - t0) / 2;
        (inside ? this.stats.inside : this.stats.outside).push(ms, ms);
        this.stats.requests += 2;
        if (got !== value) this.fail(`GET ${key} returned ${got}, expected ${value}`);
      } catch (error) {
        this.stats.requests += 1;
        this.fail(`${key}: ${(error as Error).message}`);
        if (client.status !== 'ready') return;
      }
    }
  }

  private fail(message: string): void {
    this.stats.failed++;
    if (this.stats.errors.length < 10) this.stats.errors.push(message);
  }
}
