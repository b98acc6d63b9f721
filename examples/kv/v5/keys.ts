// Commands on keys whatever they hold (DEL EXISTS KEYS TYPE, and the TTL
// family), in the client's database; and the glob matcher KEYS uses.

import { arg, expiryTime } from './args.js';
import type { Client } from './clients.js';
import { bulkArray, integer, simple, type Reply } from './resp.js';
import * as store from './store.js';

export function del(args: readonly string[], client: Client): Reply {
  let removed = 0;
  for (const key of args.slice(1)) if (store.remove(client.db, key)) removed++;
  return integer(removed);
}

export function exists(args: readonly string[], client: Client): Reply {
  let found = 0;
  for (const key of args.slice(1)) if (store.has(client.db, key)) found++;
  return integer(found);
}

export function keys(args: readonly string[], client: Client): Reply {
  const pattern = arg(args, 1);
  const matched: string[] = [];
  for (const key of store.keys(client.db)) if (pattern === '*' || globMatch(pattern, key)) matched.push(key);
  return bulkArray(matched);
}

export function type(args: readonly string[], client: Client): Reply {
  return simple(store.get(client.db, arg(args, 1))?.value.kind ?? 'none');
}

/** EXPIRE / PEXPIRE: a time already past deletes the key at once. */
export function expire(args: readonly string[], client: Client, unitMs: number): Reply {
  const key = arg(args, 1);
  const at = expiryTime(arg(args, 2), unitMs, unitMs === 1 ? 'pexpire' : 'expire');
  if (at <= Date.now()) return integer(store.remove(client.db, key) ? 1 : 0);
  return integer(store.setExpiry(client.db, key, at) ? 1 : 0);
}

/** Seconds left, rounded to the nearest second as Redis does. */
export function ttl(args: readonly string[], client: Client): Reply {
  const ms = store.ttl(client.db, arg(args, 1));
  return integer(ms < 0 ? ms : Math.floor((ms + 500) / 1000));
}

export function pttl(args: readonly string[], client: Client): Reply {
  return integer(store.ttl(client.db, arg(args, 1)));
}

export function persist(args: readonly string[], client: Client): Reply {
  const entry = store.get(client.db, arg(args, 1));
  if (entry === undefined || entry.expiresAt === undefined) return integer(0);
  entry.expiresAt = undefined;
  return integer(1);
}

// Glob-style matching for KEYS, with Redis's syntax: `*` any run, `?` any one
// character, `[abc]`, `[^abc]`, `[a-z]` classes, and `\` escaping the next
// character. Iterative, with single-star backtracking: linear in practice and
// never exponential, whatever the pattern.

export function globMatch(pattern: string, subject: string): boolean {
  let p = 0;
  let s = 0;
  let starP = -1; // pattern position just after the last `*` seen
  let starS = 0; // subject position that `*` is currently absorbing up to
  while (s < subject.length) {
    if (p < pattern.length) {
      if (pattern[p] === '*') {
        while (pattern[p] === '*') p++;
        if (p === pattern.length) return true;
        starP = p;
        starS = s;
        continue;
      }
      const next = matchOne(pattern, p, subject[s] ?? '');
      if (next >= 0) {
        p = next;
        s++;
        continue;
      }
    }
    if (starP < 0) return false;
    p = starP;
    s = ++starS;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Matches the token at `pattern[p]` against `c`: the position after it, or -1. */
function matchOne(pattern: string, p: number, c: string): number {
  const token = pattern[p];
  if (token === '?') return p + 1;
  if (token === '\\' && p + 1 < pattern.length) return pattern[p + 1] === c ? p + 2 : -1;
  if (token !== '[') return token === c ? p + 1 : -1;

  let i = p + 1;
  const negate = pattern[i] === '^';
  if (negate) i++;
  let matched = false;
  while (i < pattern.length && pattern[i] !== ']') {
    const here = pattern[i] ?? '';
    if (here === '\\' && i + 1 < pattern.length) {
      if (pattern[i + 1] === c) matched = true;
      i += 2;
    } else if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      let lo = here;
      let hi = pattern[i + 2] ?? '';
      if (lo > hi) [lo, hi] = [hi, lo];
      if (c >= lo && c <= hi) matched = true;
      i += 3;
    } else {
      if (here === c) matched = true;
      i++;
    }
  }
  if (i < pattern.length) i++; // the closing `]`; an unclosed class runs to the end
  return matched !== negate ? i : -1;
}
