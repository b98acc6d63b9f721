import { connect, type Socket } from 'node:net';
import { BatonError, type ErrorData } from '../protocol/errors.js';
import { encodeFrame, FrameDecoder } from '../protocol/frames.js';
import { PROTOCOL_VERSION, type Frame, type Request, type ResponseBody } from '../protocol/messages.js';

/** The CLI's end of the control channel: handshake first, then requests matched by id. */
export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(body: ResponseBody): void; reject(error: Error): void }>();

  private constructor(private readonly socket: Socket, readonly path: string) {
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        this.failAll(error as Error);
        return;
      }
      for (const frame of frames as Frame[]) {
        const waiter = this.pending.get(frame.id);
        if (!waiter || 'request' in frame) continue;
        this.pending.delete(frame.id);
        if (frame.ok) waiter.resolve(frame.body);
        else waiter.reject(fromErrorData(frame.error));
      }
    });
    // Every pending request fails with a reason when the channel closes.
    socket.on('close', () => this.failAll(new BatonError('E_TARGET_GONE', 'the program closed the control channel (did it exit?)', 'check it with `baton ls`')));
    socket.on('error', () => {});
  }

  static async open(path: string, timeoutMs = 2000): Promise<ControlClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new BatonError('E_TARGET_GONE', `no answer from ${path}`, 'the program may be busy or stopped; check with `baton ls`'));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          error.code === 'ECONNREFUSED' || error.code === 'ENOENT'
            ? new BatonError('E_TARGET_GONE', `no program is listening on ${path}`, 'it has exited; `baton ls` lists running programs')
            : error,
        );
      });
    });
    const client = new ControlClient(socket, path);
    const hello = await client.request({ type: 'hello', protocol: PROTOCOL_VERSION });
    if (hello.type !== 'hello') throw new BatonError('E_PROTOCOL', 'unexpected handshake answer', 'use the same baton version');
    return client;
  }

  request(request: Request): Promise<ResponseBody> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(encodeFrame({ id, request } satisfies Frame));
    });
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

function fromErrorData(data: ErrorData): Error {
  const error = new BatonError(data.code, data.message, data.hint);
  if (data.stack) error.stack = data.stack;
  return error;
}
