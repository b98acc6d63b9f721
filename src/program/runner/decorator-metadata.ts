import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';
import type { ModuleFormat } from './module-format.js';

/**
 * `emitDecoratorMetadata` (what NestJS, TypeORM and Angular-style injectors
 * read through `Reflect.getMetadata('design:paramtypes', ...)`) needs the
 * types, which esbuild (and so tsx) never emits. When a tsconfig asks for it,
 * a file with decorators first goes through TypeScript's own transpiler, as
 * tsc would compile it; its inline source map is followed by esbuild, so
 * traces still name the original lines. TypeScript loads only then.
 */
let ts: typeof TypeScript | undefined;

export function wantsDecoratorMetadata(options: { experimentalDecorators?: boolean; emitDecoratorMetadata?: boolean } | undefined, file: string, source: string): boolean {
  return options?.experimentalDecorators === true && options.emitDecoratorMetadata === true && /\.[mc]?tsx?$/.test(file) && source.includes('@');
}

export function withDecoratorMetadata(source: string, file: string, format: ModuleFormat, useDefineForClassFields: boolean | undefined): string {
  ts ??= createRequire(import.meta.url)('typescript') as typeof TypeScript;
  return ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: false,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: format === 'cjs' ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: useDefineForClassFields ?? true,
      jsx: ts.JsxEmit.Preserve,
      inlineSourceMap: true,
      isolatedModules: true,
    },
  }).outputText;
}
