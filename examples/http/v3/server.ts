import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { VERSION, handle } from './routes.js';

const HOST = '127.0.0.1';

function portFromArgs(): number {
  const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: false });
  const raw = values.port ?? process.env['PORT'] ?? '8080';
  const port = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port ${String(raw)}: pass --port N or set PORT to 0..65535`);
  }
  return port;
}

export const server = createServer({ keepAlive: true }, (req, res) => {
  handle(req, res).catch((err: unknown) => {
    console.error(`${req.method} ${req.url}:`, err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: 'internal error' }));
  });
});
// Keep idle client connections open well past a typical client pool's idle time.
server.keepAliveTimeout = 30_000;
server.headersTimeout = 35_000;

server.listen(portFromArgs(), HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : '?';
  console.log(`http ${VERSION} listening on ${HOST}:${port}`);
});

function shutdown(): void {
  server.close();
  server.closeIdleConnections();
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
import.meta.hot?.dispose(() => {
  process.off('SIGINT', shutdown);
  process.off('SIGTERM', shutdown);
});
