import { randomUUID } from 'node:crypto';

/** One cart line; the unit price is captured from the catalog when the item is added. */
export interface CartLine {
  sku: string;
  qty: number;
  unitPrice: number;
}

export type Currency = 'EUR';

/** A session idle (no cart change) for this long is dropped. SESSION_TTL_MS overrides it. */
export const SESSION_TTL_MS = ttlFromEnv();

function ttlFromEnv(): number {
  const raw = process.env['SESSION_TTL_MS'];
  const ttl = raw === undefined ? 30 * 60_000 : Number(raw);
  if (!Number.isFinite(ttl) || ttl <= 0) throw new Error(`SESSION_TTL_MS must be a positive number of ms, got ${raw}`);
  return ttl;
}

export class Session {
  constructor(
    public id: string,
    public lines: CartLine[],
    public startedAt: number,
    public updatedAt: number,
    public currency: Currency = 'EUR',
  ) {}

  line(sku: string): CartLine | undefined {
    return this.lines.find((l) => l.sku === sku);
  }

  /** Adds to an existing line at its captured price, or opens a new line at `unitPrice`. */
  add(sku: string, qty: number, unitPrice: number): void {
    const line = this.line(sku);
    if (line) line.qty += qty;
    else this.lines.push({ sku, qty, unitPrice });
    this.updatedAt = Date.now();
  }

  /** Returns false when the sku was not in the cart. */
  remove(sku: string): boolean {
    const before = this.lines.length;
    this.lines = this.lines.filter((l) => l.sku !== sku);
    if (this.lines.length === before) return false;
    this.updatedAt = Date.now();
    return true;
  }

  /** In cents of `currency`. */
  total(): number {
    return this.lines.reduce((sum, l) => sum + l.qty * l.unitPrice, 0);
  }

  expiresAt(): number {
    return this.updatedAt + SESSION_TTL_MS;
  }

  isExpired(now = Date.now()): boolean {
    return now >= this.expiresAt();
  }
}

export const sessions = new Map<string, Session>();

export function createSession(): Session {
  const now = Date.now();
  const session = new Session(randomUUID(), [], now, now);
  sessions.set(session.id, session);
  return session;
}

/** An expired session is gone even if the sweep has not reached it yet. */
export function getSession(id: string): Session | undefined {
  const session = sessions.get(id);
  if (session?.isExpired()) {
    sessions.delete(id);
    return undefined;
  }
  return session;
}

export function sweepExpired(now = Date.now()): number {
  let dropped = 0;
  for (const [id, session] of sessions) {
    if (session.isExpired(now)) {
      sessions.delete(id);
      dropped++;
    }
  }
  return dropped;
}

// Sweep often enough that a session outlives its TTL by at most half of it (or a minute).
const t = setInterval(sweepExpired, Math.max(100, Math.min(SESSION_TTL_MS / 2, 60_000)));
t.unref();
import.meta.hot?.dispose(() => clearInterval(t));
