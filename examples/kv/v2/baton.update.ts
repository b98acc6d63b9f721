// v1 -> v2: Entry gains `expiresAt`. Existing keys had no expiry, so each
// old entry keeps its value and gets `expiresAt: undefined`. Lazy: entries
// are converted on first access (and by the background sweep), so the
// update's pause does not grow with the keyspace.
import { defineUpdate } from 'baton';
import type { Entry as OldEntry } from '../v1/store.js';
import type { Entry } from './store.js';

type Fields<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] };

export default defineUpdate({
  classes: {
    'store.ts': {
      Entry: {
        mode: 'lazy',
        fields: (old: OldEntry): Fields<Entry> => ({ value: old.value, expiresAt: undefined }),
      },
    },
  },
  reverse: {
    classes: {
      'store.ts': {
        // v1 has no expiry: after a rollback a key that had a TTL keeps its
        // value and never expires. (A key already past its time, not yet
        // swept, comes back too.) This loses TTLs, on purpose, rather than
        // refusing every rollback while any key has one.
        Entry: { mode: 'lazy', fields: (entry: Entry): Fields<OldEntry> => ({ value: entry.value }) },
      },
    },
  },
});
