// `import.meta.hot`, as baton's module runner provides it (src/runner/hot.ts),
// in the shape Vite, webpack and dynohot users know. Absent under plain Node,
// hence optional: `import.meta.hot?.dispose(...)`.
interface ImportMeta {
  readonly hot?: {
    readonly data: Record<string, unknown>;
    dispose(callback: (data: Record<string, unknown>) => void | Promise<void>): void;
    accept(): void;
    decline(): void;
    invalidate(): void;
  };
}
