// `import.meta.hot`: present when a module runs under baton (or another
// HMR-style runtime), absent under plain Node.js. Always reach it with `?.`.
interface ImportMeta {
  readonly hot?: {
    readonly data: Record<string, unknown>;
    dispose(callback: (data: Record<string, unknown>) => void | Promise<void>): void;
    accept(): void;
    decline(): void;
  };
}
