import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { BatonError, toErrorData, withPath } from '../../protocol/errors.js';
import { encodeFrame, FrameDecoder, MAX_REQUEST_FRAME, MAX_RESPONSE_FRAME } from '../../protocol/frames.js';
import { isRequest, PROTOCOL_VERSION, type Frame, type Request, type ResponseBody } from '../../protocol/messages.js';
import { socketProblem } from '../../protocol/socket-dir.js';

export type RequestHandler = (request: Exclude<Request, { type: 'hello' }>) => Promise<ResponseBody>;

/**
 * Bounds on what the control channel may cost the program, whoever talks
 * to it: without them, 20,000 connections took the program's file
 * descriptors from its own clients, and requests pipelined without reading
 * the answers grew it to 1 GB.
 */
export const LIMITS = {
  /** Open control connections; more are closed as they arrive (the CLI needs one per command). */
  connections: 32,
  /** Answers written but not yet read by the peer; past it the connection is not read until they drain. */
  unsentBytes: 256 * 1024,
  /** Requests of one connection being handled at once; the rest wait, unread. */
  inFlight: 4,
  /** A connection must say hello within this. */
  handshakeMs: 10_000,
  /** A connection with nothing in flight is closed after this long idle. */
  idleMs: 120_000,
} as const;

/**
 * The program's end of the control channel. Never keeps the program alive
 * (server and connections are unref'd), removes its socket on exit, and
 * replaces a stale socket a killed run left behind.
 */
export async function startControlServer(path: string, handler: RequestHandler): Promise<{ server: Server; remove: () => void }> {
  removeStaleSocket(path);
  const server = createServer((socket) => serveConnection(socket, handler));
  server.maxConnections = LIMITS.connections;
  await new Promise<void>((resolve, reject) => {
    // Node reports a failed listen (EROFS, EACCES) without the path: name it.
    server.once('error', (error) => reject(withPath(error, path)));
    server.listen(path, () => {
      server.removeAllListeners('error');
      // Once listening, a failed accept (EMFILE) must not take the program down with it.
      server.on('error', () => {});
      resolve();
    });
  });
  chmodSync(path, 0o600);
  server.unref();
  // Remove the socket this run made, and nothing that took its place since.
  const ours = lstatSync(path);
  const cleanup = () => {
    try {
      const now = lstatSync(path);
      if (now.ino === ours.ino && now.dev === ours.dev) unlinkSync(path);
    } catch {
      // Not there: nothing to remove.
    }
  };
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
  return { server, remove: cleanup };
}

/**
 * A socket at our path is one a killed run with our pid left behind: remove
 * it, but only if it is a socket of ours; anything else is refused, never
 * deleted.
 */
function removeStaleSocket(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  const problem = socketProblem(st);
  if (problem) throw new BatonError('E_SOCKET_DIR', `${path} ${problem.what}; baton will not remove it`, 'remove it yourself if it is not needed, or set BATON_SOCKET_DIR to another directory');
  unlinkSync(path);
}

function serveConnection(socket: Socket, handler: RequestHandler): void {
  socket.unref();
  const decoder = new FrameDecoder(MAX_REQUEST_FRAME);
  /** Decoded requests not handled yet: one chunk's worth at most, since reading stops while any wait. */
  const queue: unknown[] = [];
  let inFlight = 0;
  let greeted = false;
  let closing = false;
  const send = (frame: Frame) => {
    if (socket.destroyed || closing) return;
    let bytes = encodeFrame(frame);
    if (bytes.length - 4 > MAX_RESPONSE_FRAME) {
      bytes = encodeFrame({ id: frame.id, ok: false, error: toErrorData(new BatonError('E_PROTOCOL', `the answer is ${bytes.length} bytes, more than a frame may hold`, 'ask for less (a dry run of a smaller update)')) });
    }
    socket.write(bytes);
  };
  /** Answers with an error and closes: the peer is not speaking baton's protocol. */
  const refuse = (id: number, error: unknown) => {
    send({ id, ok: false, error: toErrorData(error) });
    closing = true;
    queue.length = 0;
    socket.end(() => socket.destroy());
  };
  const handshakeTimer = setTimeout(() => socket.destroy(), LIMITS.handshakeMs);
  handshakeTimer.unref();
  socket.setTimeout(LIMITS.idleMs, () => {
    if (inFlight === 0) socket.destroy();
  });
  socket.on('close', () => clearTimeout(handshakeTimer));
  socket.on('error', () => socket.destroy());

  const handleOne = (message: unknown) => {
    const id = typeof (message as { id?: unknown })?.id === 'number' ? (message as { id: number }).id : 0;
    const request = (message as { request?: unknown })?.request;
    if (!isRequest(request)) {
      send({ id, ok: false, error: toErrorData(new BatonError('E_PROTOCOL', 'control message does not parse as a baton request', 'use the baton command to talk to a running program')) });
      return;
    }
    if (request.type === 'hello') {
      if (request.protocol !== PROTOCOL_VERSION) {
        refuse(id, new BatonError('E_PROTOCOL', `protocol ${request.protocol} is not ${PROTOCOL_VERSION}`, 'use the baton command of the same version as the running program'));
        return;
      }
      greeted = true;
      clearTimeout(handshakeTimer);
      send({ id, ok: true, body: { type: 'hello', protocol: PROTOCOL_VERSION, pid: process.pid } });
      return;
    }
    if (!greeted) {
      send({ id, ok: false, error: toErrorData(new BatonError('E_PROTOCOL', 'the first control message must be the handshake', 'use the baton command')) });
      return;
    }
    inFlight += 1;
    handler(request)
      .then(
        (body) => send({ id, ok: true, body }),
        (error: unknown) => send({ id, ok: false, error: toErrorData(error) }),
      )
      .finally(() => {
        inFlight -= 1;
        pump();
      });
  };

  /**
   * Handles queued requests while the peer keeps up: few in flight, and
   * little unread output. Otherwise the socket is paused, so what the peer
   * pipelines stays in its own buffers, not in the program's memory.
   */
  const pump = () => {
    while (!closing && queue.length > 0 && inFlight < LIMITS.inFlight && socket.writableLength < LIMITS.unsentBytes) handleOne(queue.shift());
    if (closing || socket.destroyed) return;
    if (queue.length > 0 || socket.writableLength >= LIMITS.unsentBytes) socket.pause();
    else socket.resume();
  };
  socket.on('drain', pump);
  socket.on('data', (chunk) => {
    if (closing) return;
    let messages: unknown[];
    try {
      messages = decoder.push(chunk);
    } catch (error) {
      refuse(0, error);
      return;
    }
    queue.push(...messages);
    pump();
  });
}
