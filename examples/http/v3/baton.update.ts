// v2 -> v3: `createdAt` is renamed `startedAt` and every session gains
// `currency: 'EUR'` (all v2 prices were euro cents). Session expiry is new
// code only: the sweep timer starts with the new sessions.ts, and v2 sessions
// already carry the `updatedAt` it reads.
import { defineUpdate } from 'baton';
import type { Session as OldSession } from '../v2/sessions.js';
import type { Session } from './sessions.js';

/** A class's own data fields: what a `fields` transformer must return, no more, no less. */
type Fields<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] };

export default defineUpdate({
  classes: {
    'sessions.ts': {
      Session: {
        // Eager, not lazy: a rename is not an addition, so new code must never
        // meet a session that still has `createdAt` and no `startedAt`.
        mode: 'eager',
        fields: (old: OldSession): Fields<Session> => ({
          id: old.id,
          lines: old.lines, // unchanged representation: shared, not copied
          startedAt: old.createdAt,
          updatedAt: old.updatedAt,
          currency: 'EUR',
        }),
      },
    },
  },
  reverse: {
    classes: {
      'sessions.ts': {
        Session: {
          fields: (s: Session): Fields<OldSession> => ({
            id: s.id,
            lines: s.lines,
            createdAt: s.startedAt,
            updatedAt: s.updatedAt,
          }),
        },
      },
    },
  },
});
