import { randomUUID } from 'node:crypto';

/** A shopper's session: the cart maps sku -> quantity. */
export class Session {
  constructor(
    public id: string,
    public items: Map<string, number>,
    public createdAt: number,
  ) {}

  add(sku: string, qty: number): void {
    this.items.set(sku, (this.items.get(sku) ?? 0) + qty);
  }

  /** Returns false when the sku was not in the cart. */
  remove(sku: string): boolean {
    return this.items.delete(sku);
  }
}

export const sessions = new Map<string, Session>();

export function createSession(): Session {
  const session = new Session(randomUUID(), new Map(), Date.now());
  sessions.set(session.id, session);
  return session;
}

export function getSession(id: string): Session | undefined {
  return sessions.get(id);
}
