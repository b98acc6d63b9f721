import { createServer } from 'http';
import v4 from 'uuid3/v4';
import { ids } from './ids';
import { describe } from './format';

const hit = () => ids.add(v4()).size;
const count = () => ids.size;
const answer = () => describe([...ids]);
console.log('deep import', typeof v4);

createServer((req, res) => {
  if (req.url === '/hit') res.end(String(hit()));
  else if (req.url === '/count') res.end(String(count()));
  else res.end(answer());
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
