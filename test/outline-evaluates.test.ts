import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { outlineSkeleton } from '../src/compare/skeleton-outline.js';
import { compileModule } from '../src/program/runner/compile.js';

// Which declarations a commit may evaluate without the watchdog: those that
// run no code of the program's. Real compiles (esbuild and the slot form), so
// the rule reads what the runtime evaluates, markers and helpers included.
const SOURCE = `export class Plain {
  static made = 0;
  static names = ['a', 'b'];
  count = compute();
  constructor(public a: number, public b: string) {}
  get label(): string { return this.b; }
  async load(): Promise<number> { return 1; }
  *[Symbol.iterator]() { yield this.a; }
}
export class Child extends Plain {}
export class Mixed extends mixin(Plain) {}
export class StaticCall { static registry = new Map<string, number>(); }
export class StaticBlock { static { compute(); } }
export class ComputedKey { [compute()]() { return 1; } }
export class ComputedSymbolFor { static [Symbol.for('x')]() { return 1; } }
export const limit = 10;
export const table = { limit, names: ['x'] };
export const handler = (n: number): number => n + limit;
export const greet = function (): string { return 'hi'; };
export const alias = Plain;
export const cache = new Map<string, number>();
export const made = compute();
export const text = \`\${made}\`;
export const label = \`\${table} \${limit}\`;
export function compute(): number { return 1; }
export function mixin<T>(base: T): T { return base; }
`;

describe('whether declaring a binding runs code of the program', () => {
  it('classes, constants, closures and calls, as the slot form compiles them', async () => {
    const compiled = await compileModule(SOURCE, '/virtual/evaluates.ts', 'evaluates@1');
    const outline = outlineSkeleton(compiled.skeleton);
    const evaluates = (name: string) => {
      const s = outline.find((st) => st.names.includes(name));
      assert.ok(s, `${name} is declared in the skeleton`);
      return s.evaluates;
    };
    const inert = ['Plain', 'Child', 'limit', 'table', 'handler', 'greet', 'alias', 'compute', 'mixin', 'label'];
    for (const name of inert) assert.equal(evaluates(name), false, `${name} runs no code when declared`);
    const code = ['Mixed', 'StaticCall', 'StaticBlock', 'ComputedKey', 'ComputedSymbolFor', 'cache', 'made', 'text'];
    for (const name of code) assert.equal(evaluates(name), true, `${name} may run code when declared`);
  });
});
