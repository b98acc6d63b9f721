// A small scripted client for the shopping-cart service, for tests and demos:
// one keep-alive Agent, so every request reuses a few long-lived connections
// (the connections an update must not drop).
//
//   import { CartClient, populate } from './client.js';
//   const client = new CartClient({ port: 8090 });
//   const ids = await populate(client, { sessions: 100, itemsPerSession: 3 });
//   client.close();
//
// Run directly (after bundling with esbuild): `node client.mjs --port 8090 --sessions 100 --items 3`.
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export interface ClientOptions {
  readonly host?: string;
  readonly port: number;
  /** Sockets kept open to the server; default 4. */
  readonly maxSockets?: number;
}

/** Any non-2xx reply, with the server's JSON error message. */
export class HttpStatusError extends Error {
  readonly code = 'HTTP_CART_STATUS';
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} -> ${status} ${JSON.stringify(body)}`);
  }
}

export interface CartItem {
  readonly sku: string;
  readonly qty: number;
  /** v2 and later. */
  readonly unitPrice?: number;
}

/** The cart as every version serves it; later versions add fields. */
export interface Cart {
  readonly id: string;
  readonly items: readonly CartItem[];
  readonly createdAt: number;
  /** v2 and later. */
  readonly updatedAt?: number;
  /** v2 and later, in cents. */
  readonly total?: number;
  /** v3. */
  readonly currency?: string;
  /** v3. */
  readonly expiresAt?: number;
}

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly price: number;
}

export interface Health {
  readonly version: string;
  readonly sessions: number;
}

export class CartClient {
  readonly host: string;
  readonly port: number;
  readonly agent: Agent;

  constructor({ host = '127.0.0.1', port, maxSockets = 4 }: ClientOptions) {
    this.host = host;
    this.port = port;
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** Sends one JSON request; resolves with the parsed reply, rejects with HttpStatusError on non-2xx. */
  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise<T>((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, method, path, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            reject(new Error(`${method} ${path} -> ${res.statusCode}: reply is not JSON`));
            return;
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(parsed as T);
          else reject(new HttpStatusError(status, parsed, method, path));
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  health(): Promise<Health> {
    return this.request('GET', '/health');
  }

  products(): Promise<Product[]> {
    return this.request('GET', '/products');
  }

  async createSession(): Promise<string> {
    const { id } = await this.request<{ id: string }>('POST', '/sessions');
    return id;
  }

  cart(id: string): Promise<Cart> {
    return this.request('GET', `/sessions/${encodeURIComponent(id)}/cart`);
  }

  add(id: string, sku: string, qty: number): Promise<Cart> {
    return this.request('POST', `/sessions/${encodeURIComponent(id)}/cart`, { sku, qty });
  }

  remove(id: string, sku: string): Promise<Cart> {
    return this.request('DELETE', `/sessions/${encodeURIComponent(id)}/cart/${encodeURIComponent(sku)}`);
  }

  /** v2 and later. */
  total(id: string): Promise<{ id: string; total: number; count: number; currency?: string }> {
    return this.request('GET', `/sessions/${encodeURIComponent(id)}/total`);
  }

  /** Closes the kept-alive sockets so the process can exit. */
  close(): void {
    this.agent.destroy();
  }
}

export interface PopulateOptions {
  readonly sessions: number;
  /** Distinct catalog items added to each session (wrapping round the catalog); default 3. */
  readonly itemsPerSession?: number;
  /** Sessions filled at once; default 16. */
  readonly concurrency?: number;
}

/**
 * Creates `sessions` sessions and fills each cart deterministically: session i
 * gets catalog items i, i+1, ... with quantity (i % 3) + 1. Returns the ids in order.
 */
export async function populate(client: CartClient, options: PopulateOptions): Promise<string[]> {
  const { sessions, itemsPerSession = 3, concurrency = 16 } = options;
  const skus = (await client.products()).map((p) => p.sku);
  if (skus.length === 0) throw new Error('the catalog is empty');
  const ids: string[] = new Array<string>(sessions);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < sessions; i = next++) {
      const id = await client.createSession();
      for (let k = 0; k < Math.min(itemsPerSession, skus.length); k++) {
        await client.add(id, skus[(i + k) % skus.length] ?? '', (i % 3) + 1);
      }
      ids[i] = id;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, sessions) }, worker));
  return ids;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: process.env['PORT'] ?? '8080' },
      sessions: { type: 'string', default: '10' },
      items: { type: 'string', default: '3' },
    },
  });
  const client = new CartClient({ host: values.host, port: Number(values.port) });
  try {
    const started = performance.now();
    const ids = await populate(client, { sessions: Number(values.sessions), itemsPerSession: Number(values.items) });
    const ms = (performance.now() - started).toFixed(0);
    const first = ids[0] === undefined ? undefined : await client.cart(ids[0]);
    console.log(JSON.stringify({ created: ids.length, ms: Number(ms), health: await client.health(), first }));
  } finally {
    client.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
