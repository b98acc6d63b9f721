// The keyspace: DATABASES numbered maps from key to entry (SELECT picks one
// per connection). Every read and write of data goes through here, naming the
// database by its index. A key past its expiry time is deleted when it is
// next looked up (lazy expiry); expiry.ts sweeps the ones nobody looks up.

import { expectKind, type HashValue, type Kind, type ListValue, type Value, type ValueOf } from './types.js';

export class Entry {
  constructor(
    public value: Value,
    /** Unix time in milliseconds at which the key expires; undefined: never. */
    public expiresAt: number | undefined = undefined,
  ) {}
}

export const DATABASES = 16;

export const dbs: Map<string, Entry>[] = Array.from({ length: DATABASES }, () => new Map<string, Entry>());

/** The map of database `index`; callers check the range (SELECT does). */
export function keyspace(index: number): Map<string, Entry> {
  const map = dbs[index];
  if (map === undefined) throw new RangeError(`no database ${index}`);
  return map;
}

export function isExpired(entry: Entry, now: number): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt <= now;
}

/** The live entry at `key`, deleting it first if it has expired. */
export function get(db: number, key: string, now = Date.now()): Entry | undefined {
  const map = keyspace(db);
  const entry = map.get(key);
  if (entry === undefined) return undefined;
  if (isExpired(entry, now)) {
    map.delete(key);
    return undefined;
  }
  return entry;
}

/** The value at `key` if it is a `kind`; undefined if no key; WRONGTYPE otherwise. */
export function lookup<K extends Kind>(db: number, key: string, kind: K): ValueOf<K> | undefined {
  const entry = get(db, key);
  return entry === undefined ? undefined : expectKind(entry.value, kind);
}

export function getString(db: number, key: string): string | undefined {
  return lookup(db, key, 'string')?.data;
}

/** Replaces whatever `key` holds; the new value has no TTL unless given one. */
export function setString(db: number, key: string, data: string, expiresAt: number | undefined = undefined): void {
  keyspace(db).set(key, new Entry({ kind: 'string', data }, expiresAt));
}

/** The list at `key`, created empty if there is none, for a command that adds to it. */
export function listForWrite(db: number, key: string): ListValue {
  const list = lookup(db, key, 'list');
  if (list !== undefined) return list;
  const created: ListValue = { kind: 'list', items: [] };
  keyspace(db).set(key, new Entry(created));
  return created;
}

/** The hash at `key`, created empty if there is none, for a command that adds to it. */
export function hashForWrite(db: number, key: string): HashValue {
  const hash = lookup(db, key, 'hash');
  if (hash !== undefined) return hash;
  const created: HashValue = { kind: 'hash', fields: new Map() };
  keyspace(db).set(key, new Entry(created));
  return created;
}

/** Redis never keeps an empty list or hash: the key goes when its last item does. */
export function removeIfEmpty(db: number, key: string, value: ListValue | HashValue): void {
  const size = value.kind === 'list' ? value.items.length : value.fields.size;
  if (size === 0) keyspace(db).delete(key);
}

export function has(db: number, key: string): boolean {
  return get(db, key) !== undefined;
}

export function remove(db: number, key: string): boolean {
  return get(db, key) !== undefined && keyspace(db).delete(key);
}

/** Sets the key's expiry time; false if there is no such key. */
export function setExpiry(db: number, key: string, expiresAt: number | undefined): boolean {
  const entry = get(db, key);
  if (entry === undefined) return false;
  entry.expiresAt = expiresAt;
  return true;
}

/** Milliseconds left to live; -1 for a key without expiry, -2 for no key. */
export function ttl(db: number, key: string, now = Date.now()): number {
  const entry = get(db, key, now);
  if (entry === undefined) return -2;
  return entry.expiresAt === undefined ? -1 : entry.expiresAt - now;
}

/** The live keys of a database. */
export function* keys(db: number, now = Date.now()): Generator<string> {
  for (const [key, entry] of keyspace(db)) if (!isExpired(entry, now)) yield key;
}

/** Counts keys not yet swept, like Redis's DBSIZE. */
export function size(db: number): number {
  return keyspace(db).size;
}

export function clear(db: number): void {
  keyspace(db).clear();
}

export function clearAll(): void {
  for (const map of dbs) map.clear();
}
