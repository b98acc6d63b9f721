import { createServer } from 'http';
import v4 from 'uuid3/v4';
import { ids } from './ids';

const PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/;
const hit = () => ids.add(v4());
const count = () => ids.size;
const answer = () => `every id is a v4 uuid: ${allMatch()} (${PATTERN.source.length})`;
console.log('deep import', typeof v4);

function allMatch(): boolean {
  return [...ids].every((id) => PATTERN.test(id));
}

createServer((req, res) => {
  if (req.url === '/hit') res.end(String(hit().size));
  else if (req.url === '/count') res.end(String(count()));
  else res.end(answer());
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
