import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import legacy, { tally, current } from './legacy.cjs';
import { helper } from './helper.cjs';
import settings from './settings.json' with { type: 'json' };

const require = createRequire(import.meta.url);
const path = require('node:path') as typeof import('node:path');
console.log('mixed', legacy.name, settings.title, path.basename(import.meta.filename ?? 'main.ts'));
console.log('resolves', import.meta.resolve('express').endsWith('/node_modules/express/index.js'), import.meta.resolve('./legacy.cjs').endsWith('/src/legacy.cjs'), import.meta.resolve('node:fs'));

const hit = () => tally();
const count = () => current();
const answer = () => `${helper(settings.title)} / ${legacy.describe()}`;

createServer((req, res) => {
  if (req.url === '/hit') res.end(String(hit()));
  else if (req.url === '/count') res.end(String(count()));
  else res.end(answer());
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
