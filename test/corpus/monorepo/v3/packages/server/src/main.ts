import { createServer } from 'node:http';
import { SERVICE, format } from '@corpus/common';
import { Counter } from '@app/common/counter';
import { describe } from './describe';

const counter = new Counter();
console.log(`${SERVICE} starting`);

createServer((req, res) => {
  if (req.url === '/hit') res.end(String(counter.hit()));
  else if (req.url === '/count') res.end(String(counter.value));
  else res.end(describe(format('answer', 42)));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
