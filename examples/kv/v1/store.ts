// The keyspace: one map from key to entry. Every read and write of data goes
// through here.

export class Entry {
  constructor(public value: string) {}
}

export const db = new Map<string, Entry>();

export function get(key: string): Entry | undefined {
  return db.get(key);
}

export function getValue(key: string): string | undefined {
  return db.get(key)?.value;
}

export function set(key: string, value: string): void {
  const entry = db.get(key);
  if (entry) entry.value = value;
  else db.set(key, new Entry(value));
}

export function has(key: string): boolean {
  return db.has(key);
}

export function remove(key: string): boolean {
  return db.delete(key);
}

export function keys(): IterableIterator<string> {
  return db.keys();
}

export function size(): number {
  return db.size;
}

export function clear(): void {
  db.clear();
}
