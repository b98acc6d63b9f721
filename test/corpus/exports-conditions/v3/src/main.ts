import { createServer } from 'node:http';
import { kind } from 'dual';
import { feature } from 'dual/feature';
import { fromRequire } from './bridge.cjs';
import { config } from '#config';

let hits = 0;
const SEPARATOR = ' ; ';
const hit = () => ++hits;
const count = () => hits;
const answer = () => parts().join(SEPARATOR);

function parts(): string[] {
  return [config.name, kind, feature, fromRequire()];
}

createServer((req, res) => {
  if (req.url === '/hit') res.end(String(hit()));
  else if (req.url === '/count') res.end(String(count()));
  else res.end(answer());
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
