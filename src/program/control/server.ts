import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { BatonError, toErrorData } from '../../protocol/errors.js';
import { encodeFrame, FrameDecoder } from '../../protocol/frames.js';
import { isRequest, PROTOCOL_VERSION, type Frame, type Request, type ResponseBody } from '../../protocol/messages.js';

export type RequestHandler = (request: Exclude<Request, { type: 'hello' }>) => Promise<ResponseBody>;

/**
 * The program's end of the control channel. Never keeps the program alive
 * (server and connections are unref'd), removes its socket on exit, and
 * replaces a stale socket a killed run left behind.
 */
export async function startControlServer(path: string, handler: RequestHandler): Promise<Server> {
  removeQuietly(path);
  const server = createServer((socket) => serveConnection(socket, handler));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  server.unref();
  const cleanup = () => removeQuietly(path);
  process.once('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      cleanup();
      // Only stand in for the default action when the program set no handler
      // of its own: then die of the same signal, as `node` would.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.once(signal, onSignal);
  }
  return server;
}

function serveConnection(socket: Socket, handler: RequestHandler): void {
  socket.unref();
  const decoder = new FrameDecoder();
  let greeted = false;
  const send = (frame: Frame) => {
    if (!socket.destroyed) socket.write(encodeFrame(frame));
  };
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    let messages: unknown[];
    try {
      messages = decoder.push(chunk);
    } catch (error) {
      send({ id: 0, ok: false, error: toErrorData(error) });
      socket.end();
      return;
    }
    for (const message of messages) {
      const id = typeof (message as { id?: unknown })?.id === 'number' ? (message as { id: number }).id : 0;
      const request = (message as { request?: unknown })?.request;
      if (!isRequest(request)) {
        send({ id, ok: false, error: toErrorData(new BatonError('E_PROTOCOL', 'control message does not parse as a baton request', 'use the baton command to talk to a running program')) });
        continue;
      }
      if (request.type === 'hello') {
        if (request.protocol !== PROTOCOL_VERSION) {
          send({ id, ok: false, error: toErrorData(new BatonError('E_PROTOCOL', `protocol ${request.protocol} is not ${PROTOCOL_VERSION}`, 'use the baton command of the same version as the running program')) });
          socket.end();
          return;
        }
        greeted = true;
        send({ id, ok: true, body: { type: 'hello', protocol: PROTOCOL_VERSION, pid: process.pid } });
        continue;
      }
      if (!greeted) {
        send({ id, ok: false, error: toErrorData(new BatonError('E_PROTOCOL', 'the first control message must be the handshake', 'use the baton command')) });
        continue;
      }
      handler(request).then(
        (body) => send({ id, ok: true, body }),
        (error: unknown) => send({ id, ok: false, error: toErrorData(error) }),
      );
    }
  });
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Not there: nothing to remove.
  }
}
