// kv: a Redis-compatible key-value server (RESP2 over TCP).
// Entry point: reads the port, listens on loopback, and runs each
// connection's requests in order as they arrive.

import net from 'node:net';
import { closeClient, openClient } from './clients.js';
import { dispatch } from './commands.js';
import './expiry.js';
import { RequestParser, encode, error } from './resp.js';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 6380;

function parsePort(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  let text: string | undefined = env['PORT'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') text = argv[i + 1];
    else if (a?.startsWith('--port=')) text = a.slice('--port='.length);
  }
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`kv: invalid port '${text}'`);
    process.exit(1);
  }
  return port;
}

function banner(port: number): string {
  return `kv v5 listening on ${HOST}:${port}`;
}

function handleConnection(socket: net.Socket): void {
  socket.setNoDelay(true);
  const parser = new RequestParser();
  const client = openClient(
    `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
    `${socket.localAddress ?? HOST}:${socket.localPort ?? 0}`,
  );

  socket.on('data', (chunk: Buffer) => {
    const out: string[] = [];
    for (const request of parser.push(chunk)) {
      encode(dispatch(request, client), out);
      if (client.quit) break;
    }
    if (parser.protocolError !== null && !client.quit) {
      encode(error(`ERR Protocol error: ${parser.protocolError}`), out);
      client.quit = true;
    }
    if (client.quit) {
      socket.end(out.join(''));
      socket.pause();
      return;
    }
    if (out.length > 0 && !socket.write(out.join(''))) {
      // The client reads slower than it sends: stop reading until it catches up.
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });
  socket.on('close', () => closeClient(client));
  // A reset from the client is routine; the socket closes itself.
  socket.on('error', () => {});
}

const port = parsePort(process.argv.slice(2), process.env);
const server = net.createServer(handleConnection);
server.on('error', (err) => {
  console.error(`kv: ${err.message}`);
  process.exit(1);
});
server.listen(port, HOST, () => {
  console.log(banner(port));
});
