import { randomUUID } from 'node:crypto';

/** One cart line; the unit price is captured from the catalog when the item is added. */
export interface CartLine {
  sku: string;
  qty: number;
  unitPrice: number;
}

export class Session {
  constructor(
    public id: string,
    public lines: CartLine[],
    public createdAt: number,
    public updatedAt: number,
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

  /** In euro cents. */
  total(): number {
    return this.lines.reduce((sum, l) => sum + l.qty * l.unitPrice, 0);
  }
}

export const sessions = new Map<string, Session>();

export function createSession(): Session {
  const now = Date.now();
  const session = new Session(randomUUID(), [], now, now);
  sessions.set(session.id, session);
  return session;
}

export function getSession(id: string): Session | undefined {
  return sessions.get(id);
}
