// The program bench/memory.ts updates 1,000 times, shared with bench/memory-probe.ts (which looks inside it).

/** The five versions, in the order the updates cycle through them (the fifth goes back to the first). */
export function conf(version: 1 | 2 | 3 | 4 | 5): string {
  const limit = version === 1 ? 1 : 2;
  const params = version === 5 ? 'scale = 1' : '';
  const body = version === 1 || version === 2 ? 'LIMIT + scratch.length * 0' : version === 3 ? 'LIMIT + scratch.length * 0 + 0' : `LIMIT + scratch.length * 0 + extra() * 0${version === 5 ? ' * scale' : ''}`;
  const added = version >= 4 ? 'function extra(): number {\n  return LIMIT * 3 + added.n;\n}\nconst added = { n: 1 };\n' : '';
  const method = version >= 4 ? '  twice(n: number): boolean { return this.allows(n * 2); }\n' : '';
  return `export const LIMIT = ${limit};
const scratch = Array.from({ length: 2000 }, (_, i) => 'row-' + i);
export function limit(${params}): number {
  return ${body};
}
${added}export class Rule {
  constructor(readonly max: number) {}
  allows(n: number): boolean { return n <= this.max * LIMIT; }
${method}}
`;
}

/** What each step is expected to be, by the version it goes to. */
export const EXPECTED: Record<number, string> = { 2: 'live', 3: 'patch', 4: 'live', 5: 'live', 1: 'live' };

export const MAIN = `import { createServer } from 'node:http';
import { limit, Rule } from './conf.js';
const rules = [new Rule(1), new Rule(2)];
const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const gc = (globalThis as { gc?: () => void }).gc;
createServer((req, res) => {
  let body: unknown;
  if (req.url === '/mem') {
    for (let i = 0; i < 3; i++) gc?.();
    const m = process.memoryUsage();
    body = { heapUsed: m.heapUsed, external: m.external, rss: m.rss, gc: gc !== undefined };
  } else body = { limit: limit(), allowed: rules.map((r) => r.allows(3)) };
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}).listen(port, '127.0.0.1', () => console.log('listening ' + port));
`;

