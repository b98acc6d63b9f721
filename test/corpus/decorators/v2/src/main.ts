import { createServer } from 'node:http';
import { table } from './registry.js';
import './controller.js';

createServer((req, res) => {
  const handler = table.get(req.url ?? '/');
  res.end(handler ? handler() : 'none');
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
