// v3 -> v4: SELECT arrives with 16 databases. store.ts's `db` (one Map) is
// gone and `dbs` (16 Maps) appears. The running keyspace becomes database 0:
// the same Map object moves into `dbs[0]`, with no copy, so the pause does not
// depend on the number of keys. Entries keep their shape.
//
// New modules: clients.ts (per-connection Client objects; connections open
// before the update are not in its `clients` registry: v3 kept none) and
// info.ts. Both start fresh.
//
// The program hook is hand-written: the type diff sees `db` dropped and `dbs` new, so --stubs writes none.
import { defineUpdate } from 'baton';
import type { Entry } from './store.js';

export default defineUpdate({
  program: (s) => {
    const dbs = s.get('store.ts', 'dbs') as Map<string, Entry>[];
    dbs[0] = s.old('store.ts', 'db') as Map<string, Entry>;
  },
  reverse: {
    // v3 has only database 0. Rolling back while databases 1-15 hold keys
    // would drop them, so the rollback is refused; database 0's Map moves back.
    program: (s) => {
      const dbs = s.old('store.ts', 'dbs') as Map<string, Entry>[];
      const used = dbs.flatMap((map, index) => (index > 0 && map.size > 0 ? [index] : []));
      if (used.length > 0) {
        throw new Error(`cannot roll back to v3: databases ${used.join(', ')} hold keys, and v3 has only database 0`);
      }
      s.set('store.ts', 'db', dbs[0]);
    },
  },
});
