import { lstatSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { BatonError, toErrorData, type ErrorData } from '../protocol/errors.js';
import { encodeFrame, FrameDecoder, MAX_RESPONSE_FRAME } from '../protocol/frames.js';
import { PROTOCOL_VERSION, type Frame, type Request, type ResponseBody } from '../protocol/messages.js';
import { socketProblem } from '../protocol/socket-dir.js';

/**
 * How long the CLI waits for a program's answer to anything but an update.
 * A healthy program answers in milliseconds; one blocked in synchronous work
 * never does, and must not hang `baton ls` or `status` with it.
 */
export const ANSWER_TIMEOUT_MS = 5000;
/** An update answers when it is done: its own deadline plus this much. */
export const UPDATE_GRACE_MS = 60_000;

/** The CLI's end of the control channel: handshake first, then requests matched by id, each with a deadline. */
export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(body: ResponseBody): void; reject(error: Error): void }>();

  private constructor(private readonly socket: Socket, readonly path: string) {
    const decoder = new FrameDecoder(MAX_RESPONSE_FRAME);
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
    socket.on('close', () => this.failAll(new BatonError('E_TARGET_GONE', 'the program closed the control channel (did it exit, or has it as many control connections open as it takes?)', 'check it with `baton ls`, then try again')));
    socket.on('error', () => {});
  }

  /**
   * Connects to a program's socket: only a socket (not a file, not a link)
   * owned by this user, so another local user cannot pose as a program.
   */
  static async open(path: string, timeoutMs = ANSWER_TIMEOUT_MS): Promise<ControlClient> {
    checkSocket(path);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      const timer = setTimeout(() => {
        s.destroy();
        reject(noAnswer(path, timeoutMs));
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
            : new BatonError(toErrorData(error).code === 'E_ACCESS' ? 'E_ACCESS' : 'E_TARGET_GONE', `cannot connect to ${path}: ${error.message}`, 'baton talks only to programs you started; check `baton ls`'),
        );
      });
    });
    const client = new ControlClient(socket, path);
    try {
      const hello = await client.request({ type: 'hello', protocol: PROTOCOL_VERSION }, timeoutMs);
      if (hello.type !== 'hello') throw new BatonError('E_PROTOCOL', 'unexpected handshake answer', 'use the same baton version');
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  /**
   * Sends one request; rejects with E_NO_ANSWER when no answer comes within
   * `timeoutMs`: by default an update's own deadline plus a grace, else
   * ANSWER_TIMEOUT_MS.
   */
  request(request: Request, timeoutMs = defaultTimeout(request)): Promise<ResponseBody> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(noAnswer(this.path, timeoutMs, request.type === 'update' || request.type === 'rollback'));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (body) => {
          clearTimeout(timer);
          resolve(body);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
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

function defaultTimeout(request: Request): number {
  // A hand-off has several steps with a deadline each (start, quiesce, transfer, take-over), then its grace period.
  if (request.type === 'handoff') return request.timeoutMs * 4 + request.graceMs + UPDATE_GRACE_MS;
  return request.type === 'update' || request.type === 'rollback' ? request.timeoutMs + UPDATE_GRACE_MS : ANSWER_TIMEOUT_MS;
}

/** Refuses, before connecting, a path that is not a socket this user owns. */
function checkSocket(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new BatonError('E_TARGET_GONE', `no program is listening on ${path} (there is no such socket)`, 'it has exited; `baton ls` lists running programs');
    }
    const data = toErrorData(error);
    throw new BatonError(data.code === 'E_ACCESS' ? 'E_ACCESS' : 'E_FS', `cannot reach the control socket ${path}: ${(error as Error).message}`, 'baton talks only to programs you started; check `baton ls`');
  }
  const problem = socketProblem(st);
  if (problem) {
    throw new BatonError(problem.code, `${path} ${problem.what}`, problem.code === 'E_NOT_OWNER' ? 'baton talks only to programs you started; `baton ls` lists yours' : 'give a program name, a pid, or a socket from `baton ls`');
  }
}

function noAnswer(path: string, ms: number, update = false): BatonError {
  return new BatonError(
    'E_NO_ANSWER',
    `the program at ${path} did not answer within ${(ms / 1000).toFixed(1)} s`,
    update ? 'the update may still be running: check `baton status` before trying again' : 'it may be blocked in synchronous work or stopped; `baton ls` marks programs that do not answer',
  );
}

function fromErrorData(data: ErrorData): Error {
  const error = new BatonError(data.code, data.message, data.hint);
  if (data.stack) error.stack = data.stack;
  return error;
}
