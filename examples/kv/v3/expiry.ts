// Active expiry: keys with a TTL that nobody reads again must still go away.
// Every CYCLE_MS a timer walks the next slice of the keyspace (a cursor that
// resumes where the previous cycle stopped) and deletes what has expired. A
// slice is a fiftieth of the keyspace (at least MIN_CHECKS keys), so a full
// pass takes about five seconds; a cycle never runs longer than BUDGET_MS.

import { db, isExpired, type Entry } from './store.js';

const CYCLE_MS = 100;
const MIN_CHECKS = 500;
const BUDGET_MS = 3;

let cursor: Iterator<[string, Entry]> = db.entries();

/** Runs one cycle; returns how many keys it deleted. */
export function expireCycle(now = Date.now()): number {
  const checks = Math.max(MIN_CHECKS, Math.ceil(db.size / 50));
  const deadline = performance.now() + BUDGET_MS;
  let removed = 0;
  for (let i = 0; i < checks; i++) {
    if ((i & 127) === 127 && performance.now() > deadline) break;
    const step = cursor.next();
    if (step.done === true) {
      cursor = db.entries();
      break;
    }
    const [key, entry] = step.value;
    if (isExpired(entry, now)) {
      db.delete(key);
      removed++;
    }
  }
  return removed;
}

const timer = setInterval(() => expireCycle(), CYCLE_MS);
timer.unref();
import.meta.hot?.dispose(() => clearInterval(timer));
