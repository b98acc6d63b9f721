// The keyspace: one map from key to entry. Every read and write of data goes
// through here. A key past its expiry time is deleted when it is next looked
// up (lazy expiry); expiry.ts sweeps the ones nobody looks up.

export class Entry {
  constructor(
    public value: string,
    /** Unix time in milliseconds at which the key expires; undefined: never. */
    public expiresAt: number | undefined = undefined,
  ) {}
}

export const db = new Map<string, Entry>();

export function isExpired(entry: Entry, now: number): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt <= now;
}

/** The live entry at `key`, deleting it first if it has expired. */
export function get(key: string, now = Date.now()): Entry | undefined {
  const entry = db.get(key);
  if (entry === undefined) return undefined;
  if (isExpired(entry, now)) {
    db.delete(key);
    return undefined;
  }
  return entry;
}

export function getValue(key: string): string | undefined {
  return get(key)?.value;
}

/** Replaces whatever `key` holds; the new value has no TTL unless given one. */
export function set(key: string, value: string, expiresAt: number | undefined = undefined): void {
  db.set(key, new Entry(value, expiresAt));
}

export function has(key: string): boolean {
  return get(key) !== undefined;
}

export function remove(key: string): boolean {
  return get(key) !== undefined && db.delete(key);
}

/** Sets the key's expiry time; false if there is no such key. */
export function setExpiry(key: string, expiresAt: number | undefined): boolean {
  const entry = get(key);
  if (entry === undefined) return false;
  entry.expiresAt = expiresAt;
  return true;
}

/** Milliseconds left to live; -1 for a key without expiry, -2 for no key. */
export function ttl(key: string, now = Date.now()): number {
  const entry = get(key, now);
  if (entry === undefined) return -2;
  return entry.expiresAt === undefined ? -1 : entry.expiresAt - now;
}

/** The live keys. */
export function* keys(now = Date.now()): Generator<string> {
  for (const [key, entry] of db) if (!isExpired(entry, now)) yield key;
}

/** Counts keys not yet swept, like Redis's DBSIZE. */
export function size(): number {
  return db.size;
}

export function clear(): void {
  db.clear();
}
