// v1 -> v2: a session's cart changes from `items: Map<sku, qty>` to
// `lines: CartLine[]` with the unit price captured at add time, and gains
// `updatedAt`. Everything else (the `sessions` Map itself, the catalog, the
// routes) is carried by name or simply replaced by the new code.
import { defineUpdate } from 'baton';
import type { Session as OldSession } from '../v1/sessions.js';
import { catalog } from './catalog.js';
import type { CartLine, Session } from './sessions.js';

/** A class's own data fields: what a `fields` transformer must return, no more, no less. */
type Fields<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] };

export default defineUpdate({
  classes: {
    'sessions.ts': {
      Session: {
        mode: 'eager',
        fields: (old: OldSession): Fields<Session> => ({
          id: old.id,
          // v1 carts never held a sku outside the catalog; a line whose sku has
          // since left the catalog would have no price to capture, so it is dropped.
          lines: [...old.items].flatMap(([sku, qty]): CartLine[] => {
            const product = catalog.get(sku);
            return product ? [{ sku, qty, unitPrice: product.price }] : [];
          }),
          createdAt: old.createdAt,
          // v1 kept no modification time: the creation time is the only honest lower bound.
          updatedAt: old.createdAt,
        }),
      },
    },
  },
  reverse: {
    classes: {
      'sessions.ts': {
        Session: {
          // Back to v1: quantities survive; captured prices and updatedAt are
          // dropped, since a v1 cart holds no prices at all.
          fields: (s: Session): Fields<OldSession> => ({
            id: s.id,
            items: new Map(s.lines.map((l) => [l.sku, l.qty])),
            createdAt: s.createdAt,
          }),
        },
      },
    },
  },
});
