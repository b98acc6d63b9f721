import { createServer } from 'node:http';
import { Page } from './page.js';

const items: string[] = [];
console.log('jsx server');
createServer((req, res) => {
  if (req.url === '/hit') res.end(String(items.push(`item ${items.length}`)));
  else if (req.url === '/count') res.end(String(items.length));
  else res.end(Page({ title: 'catalogue', items: ['fixed'] }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
