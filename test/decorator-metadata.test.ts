import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { baton, ENV, freePort, get, Program, writeVersions } from './helpers/baton.js';

// A minimal reflect-metadata, as NestJS-style programs import from the package.
const REFLECT = `
const store = new WeakMap<object, Map<string, unknown>>();
const R = Reflect as unknown as Record<string, unknown>;
R['metadata'] = (key: string, value: unknown) => (target: object) => {
  if (!store.has(target)) store.set(target, new Map());
  store.get(target)!.set(key, value);
};
R['getMetadata'] = (key: string, target: object) => store.get(target)?.get(key);
export {};
`;

const CONTROLLER = (reply: string) => `import { Service } from './service.js';

function Injectable(): ClassDecorator {
  return () => {};
}

@Injectable()
export class Controller {

  constructor(private readonly service: Service, private readonly limit: number) {}

  handle(): string {
    if (this.limit < 0) throw new Error('negative limit');
    return \`${reply} \${this.service.hits()}\`;
  }
}
`;

const files = (reply: string) => ({
  'package.json': JSON.stringify({ name: 'di', type: 'module' }),
  'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', experimentalDecorators: true, emitDecoratorMetadata: true } }),
  'reflect.ts': REFLECT,
  'service.ts': 'export class Service {\n  private count = 0;\n  hits(): number {\n    return ++this.count;\n  }\n}\n',
  'controller.ts': CONTROLLER(reply),
  'main.ts': `import './reflect.js';
import { createServer } from 'node:http';
import { Controller } from './controller.js';
import { Service } from './service.js';

const types = (Reflect as unknown as { getMetadata(k: string, t: object): Array<{ name: string }> }).getMetadata('design:paramtypes', Controller);
console.log('paramtypes', types.map((t) => t.name).join(','));
// An injector as NestJS has one: constructor arguments from the metadata.
const controller = new Controller(new types[0]!() as Service, 1);
const broken = new Controller(new Service(), -1);
createServer((req, res) => {
  if (req.url === '/broken') {
    try {
      broken.handle();
    } catch (error) {
      res.end(String((error as Error).stack).split('\\n')[1]);
    }
    return;
  }
  res.end(controller.handle());
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
`,
});

describe('emitDecoratorMetadata, when the tsconfig asks for it', () => {
  it('emits design:paramtypes as tsc does, keeps stack lines, and takes a body update with the state kept', async () => {
    const root = writeVersions({ v1: files('hello'), v2: files('hi') });
    const port = await freePort();
    const name = `metadata-${process.pid}`;
    const program = new Program(['--name', name, join(root, 'v1', 'main.ts')], { ...ENV, PORT: String(port) });
    try {
      await program.waitFor(/listening/, 30_000);
      assert.match(program.output, /paramtypes Service,Number/);
      assert.equal(await get(port, '/'), 'hello 1');
      assert.equal(await get(port, '/'), 'hello 2');
      assert.match(await get(port, '/broken'), /controller\.ts:13:/, 'the throw is on line 13 of controller.ts');

      // --no-check: the type planner is not what this test is about.
      const r = await baton(['update', name, join(root, 'v2'), '--no-check']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(await get(port, '/'), 'hi 3', 'the new body, the same injected service');
      await sleep(1000);
      assert.equal(await get(port, '/'), 'hi 4');
      assert.match(await get(port, '/broken'), /controller\.ts:13:/);
    } finally {
      await program.stop();
    }
  });
});
