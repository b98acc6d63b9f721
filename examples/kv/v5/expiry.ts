// Active expiry: keys with a TTL that nobody reads again must still go away.
// Every CYCLE_MS a timer walks the next slice of the keyspace (a cursor over
// the databases in turn that resumes where the previous cycle stopped) and
// deletes what has expired. A slice is a fiftieth of all keys (at least
// MIN_CHECKS), so a full pass takes about five seconds; a cycle never runs
// longer than BUDGET_MS.

import { dbs, isExpired, keyspace, type Entry } from './store.js';

const CYCLE_MS = 100;
const MIN_CHECKS = 500;
const BUDGET_MS = 3;

let dbIndex = 0;
let cursor: Iterator<[string, Entry]> = keyspace(dbIndex).entries();

/** Runs one cycle; returns how many keys it deleted. */
export function expireCycle(now = Date.now()): number {
  let total = 0;
  for (const map of dbs) total += map.size;
  const checks = Math.max(MIN_CHECKS, Math.ceil(total / 50));
  const deadline = performance.now() + BUDGET_MS;
  let removed = 0;
  let switches = 0;
  for (let i = 0; i < checks; i++) {
    if ((i & 127) === 127 && performance.now() > deadline) break;
    const step = cursor.next();
    if (step.done === true) {
      // On to the next database; stop once each has been visited this cycle.
      dbIndex = (dbIndex + 1) % dbs.length;
      cursor = keyspace(dbIndex).entries();
      if (++switches >= dbs.length) break;
      continue;
    }
    const [key, entry] = step.value;
    if (isExpired(entry, now)) {
      keyspace(dbIndex).delete(key);
      removed++;
    }
  }
  return removed;
}

const timer = setInterval(() => expireCycle(), CYCLE_MS);
timer.unref();
import.meta.hot?.dispose(() => clearInterval(timer));
