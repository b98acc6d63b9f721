// `import.meta.hot` for TypeScript: a program run by baton may use the
// HMR conventions of Vite, webpack and dynohot. Optional, because under plain
// `node` there is no `hot`: write `import.meta.hot?.dispose(...)`.
import type { HotContext } from './program/runner/hot.js';

/** What `import.meta.hot` offers: accept, dispose, data, decline. */
export type Hot = Pick<HotContext, 'data' | 'dispose' | 'accept' | 'decline' | 'invalidate'>;

declare global {
  interface ImportMeta {
    readonly hot?: Hot;
  }
}
