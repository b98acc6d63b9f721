// v2 -> v3: an Entry's `value` goes from a string to a tagged union
// (`{ kind: 'string', data }`, or a list, or a hash). Every existing key holds
// a string, so each becomes `{ kind: 'string', data: value }`; the TTL is kept.
// Eager: the commands reach `entry.value.kind` everywhere, so all entries are
// converted during the update's pause.
//
// The module layout changes too (glob.ts is gone, folded into keys.ts; args.ts,
// keys.ts and types.ts are new); none of them holds state, so nothing to map.
import { defineUpdate } from 'baton';
import type { Entry as OldEntry } from '../v2/store.js';
import type { Entry } from './store.js';

type Fields<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] };

export default defineUpdate({
  classes: {
    'store.ts': {
      Entry: {
        mode: 'eager',
        fields: (old: OldEntry): Fields<Entry> => ({
          value: { kind: 'string', data: old.value },
          expiresAt: old.expiresAt,
        }),
      },
    },
  },
  reverse: {
    classes: {
      'store.ts': {
        // v2 can hold only strings. A rollback while any key holds a list or
        // a hash would lose it, so it is refused (the throw aborts the
        // rollback and v3 keeps running); DEL those keys first to roll back.
        Entry: {
          mode: 'eager',
          fields: (entry: Entry): Fields<OldEntry> => {
            if (entry.value.kind !== 'string') {
              throw new Error(`cannot roll back to v2: a key holds a ${entry.value.kind}, and v2 has only strings`);
            }
            return { value: entry.value.data, expiresAt: entry.expiresAt };
          },
        },
      },
    },
  },
});
