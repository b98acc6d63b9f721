// The keyspace: one map from key to entry. Every read and write of data goes
// through here. A key past its expiry time is deleted when it is next looked
// up (lazy expiry); expiry.ts sweeps the ones nobody looks up.

import { expectKind, type HashValue, type Kind, type ListValue, type Value, type ValueOf } from './types.js';

export class Entry {
  constructor(
    public value: Value,
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

/** The value at `key` if it is a `kind`; undefined if no key; WRONGTYPE otherwise. */
export function lookup<K extends Kind>(key: string, kind: K): ValueOf<K> | undefined {
  const entry = get(key);
  return entry === undefined ? undefined : expectKind(entry.value, kind);
}

export function getString(key: string): string | undefined {
  return lookup(key, 'string')?.data;
}

/** Replaces whatever `key` holds; the new value has no TTL unless given one. */
export function setString(key: string, data: string, expiresAt: number | undefined = undefined): void {
  db.set(key, new Entry({ kind: 'string', data }, expiresAt));
}

/** The list at `key`, created empty if there is none, for a command that adds to it. */
export function listForWrite(key: string): ListValue {
  const list = lookup(key, 'list');
  if (list !== undefined) return list;
  const created: ListValue = { kind: 'list', items: [] };
  db.set(key, new Entry(created));
  return created;
}

/** The hash at `key`, created empty if there is none, for a command that adds to it. */
export function hashForWrite(key: string): HashValue {
  const hash = lookup(key, 'hash');
  if (hash !== undefined) return hash;
  const created: HashValue = { kind: 'hash', fields: new Map() };
  db.set(key, new Entry(created));
  return created;
}

/** Redis never keeps an empty list or hash: the key goes when its last item does. */
export function removeIfEmpty(key: string, value: ListValue | HashValue): void {
  const size = value.kind === 'list' ? value.items.length : value.fields.size;
  if (size === 0) db.delete(key);
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
