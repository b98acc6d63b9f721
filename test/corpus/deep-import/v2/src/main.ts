import { createServer } from 'http';
import v4 from 'uuid3/v4';
import { ids } from './ids';

const hit = () => ids.add(v4());
const count = () => ids.size;
const answer = () => `every id is a v4 uuid: ${[...ids].every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/.test(id))}`;
console.log('deep import', typeof v4);

createServer((req, res) => {
  if (req.url === '/hit') res.end(String(hit().size));
  else if (req.url === '/count') res.end(String(count()));
  else res.end(answer());
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
