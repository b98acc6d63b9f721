import { Server as HttpServer } from 'node:http';
import { Server, Socket } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import type { ToChild } from './ipc.js';

/** libuv's TCP handle under a net.Server: its `onconnection` is what accepting calls. */
interface TcpHandle {
  onconnection: (this: TcpHandle, status: number, client?: ClientHandle) => void;
}
interface ClientHandle {
  close(callback?: () => void): void;
}

/** A listening server of the program, while a hand-off holds it. */
interface Held {
  /** host:port, how the new process's `listen` finds it. */
  readonly key: string;
  readonly server: Server;
  readonly handle: TcpHandle;
  readonly onconnection: TcpHandle['onconnection'];
  /** Connections accepted after the program stopped serving, not given to anyone yet. */
  readonly waiting: ClientHandle[];
}

/** The program's listening TCP servers (not baton's control server, which is unref'd and on a Unix socket). */
export function listeningServers(): Server[] {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((h): h is Server => h instanceof Server && h.listening && typeof h.address() === 'object' && h.address() !== null && '_handle' in h);
}

export function keyOf(server: Server): string {
  const address = server.address();
  return typeof address === 'object' && address !== null ? `${address.address}:${address.port}` : String(address);
}

/**
 * The old process's side of the pause: stops accepting (connections the
 * kernel completes meanwhile are held, never refused), stops reading from
 * the program's connections, and lets what is in flight settle. Undone by
 * `resume` exactly: held connections go to the program, reading resumes.
 */
export class Quiescence {
  readonly servers: Held[];
  /** The program's connections, paused. */
  readonly sockets: Socket[];

  private constructor(servers: Server[]) {
    this.servers = servers.map((server) => {
      const handle = (server as unknown as { _handle: TcpHandle })._handle;
      return { key: keyOf(server), server, handle, onconnection: handle.onconnection, waiting: [] };
    });
    const ours = new Set<Server>(servers);
    const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
    this.sockets = handles.filter((h): h is Socket => h instanceof Socket && ours.has((h as { server?: Server }).server as Server));
  }

  static stop(): Quiescence {
    const q = new Quiescence(listeningServers());
    for (const held of q.servers) {
      held.handle.onconnection = function (status, client) {
        if (status === 0 && client) held.waiting.push(client);
      };
    }
    for (const socket of q.sockets) {
      socket.pause();
      // pause() alone stops the 'data' events, not the reads: libuv would go on filling this process's buffers
      // (and an HTTP server's parser reads the handle directly, past the stream). Stop reading at the handle,
      // so what the client sends stays in the kernel's buffer, with the descriptor.
      const handle = (socket as unknown as { _handle?: { reading?: boolean; readStop?: () => number } })._handle;
      if (handle?.reading) {
        handle.reading = false;
        handle.readStop?.();
      }
      // The program's own code (a 'drain' handler) must not start reading again while the hand-off holds it.
      (socket as unknown as { resume: () => Socket }).resume = () => socket;
    }
    return q;
  }

  /**
   * Waits until every reply is written out and no HTTP response is under way
   * (bounded by `deadline`); false if it was not reached.
   */
  async settle(deadline: number): Promise<boolean> {
    for (;;) {
      // A turn first: work the last reads started (a promise, an immediate) runs before the check.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.sockets.every((s) => s.destroyed || (s.writableLength === 0 && !busyHttp(s)))) return true;
      if (performance.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** What is still in flight, for the error when it does not settle. */
  unsettled(): string {
    const writing = this.sockets.filter((s) => !s.destroyed && s.writableLength > 0).length;
    const http = this.sockets.filter((s) => !s.destroyed && busyHttp(s)).length;
    return `${writing} connection(s) with replies not yet written, ${http} HTTP response(s) under way`;
  }

  /**
   * The new process serves: connections this process accepts from now on
   * (the kernel still hands it some: both hold the listening socket until
   * this one closes it) go there, starting with the ones held.
   */
  forwardTo(child: ChildProcess): void {
    for (const held of this.servers) {
      const forward = (client: ClientHandle) => {
        const message: ToChild = { type: 'accepted', key: held.key };
        // Sent (the new process has its own descriptor) or not: this process lets go of it.
        child.send(message, client as never, () => client.close());
      };
      held.handle.onconnection = function (status, client) {
        if (status === 0 && client) forward(client);
      };
      for (const client of held.waiting.splice(0)) forward(client);
    }
  }

  /**
   * The program's connections move on: an idle HTTP keep-alive connection is
   * passed to the new process (unread requests stay in the socket's kernel
   * buffer and go with it); any other connection holds per-connection state
   * in this process's closures, so it is closed gracefully: the replies
   * written so far go out, what the client sent since is discarded unread
   * (never executed), and a client with reconnect logic resends it.
   */
  async handOver(child: ChildProcess): Promise<{ passed: number; closed: number }> {
    let passed = 0;
    let closed = 0;
    const keys = new Map(this.servers.map((h) => [h.server, h.key]));
    for (const socket of this.sockets) {
      if (socket.destroyed) continue;
      const server = (socket as { server?: Server }).server;
      if (server instanceof HttpServer && !busyHttp(socket)) {
        // Node's IPC writes its own `key` into a message that carries a socket: ours travels as `server`.
        const message: ToChild = { type: 'idle', server: keys.get(server) ?? '' };
        const sent = await new Promise<boolean>((resolve) => child.send(message, socket, (error) => resolve(error === null)));
        if (sent) {
          passed++;
          continue;
        }
      }
      closeGracefully(socket);
      closed++;
    }
    return { passed, closed };
  }

  /** The hand-off failed: everything as it was before `stop`. */
  resume(): void {
    for (const held of this.servers) {
      held.handle.onconnection = held.onconnection;
      for (const client of held.waiting.splice(0)) held.onconnection.call(held.handle, 0, client);
    }
    for (const socket of this.sockets) {
      delete (socket as unknown as { resume?: unknown }).resume;
      if (!socket.destroyed) socket.resume();
    }
  }

  /** The new process has taken over: this one stops listening (the new one keeps its own descriptor). */
  release(): void {
    for (const held of this.servers) held.server.close();
  }
}

/** An HTTP response under way on this connection. */
function busyHttp(socket: Socket): boolean {
  return (socket as { _httpMessage?: unknown })._httpMessage != null;
}

function closeGracefully(socket: Socket): void {
  delete (socket as unknown as { resume?: unknown }).resume;
  socket.removeAllListeners('data');
  socket.on('data', () => undefined);
  socket.end();
  socket.resume();
  // A peer that never closes its side does not keep this process's descriptor forever.
  setTimeout(() => socket.destroy(), 2000).unref();
}
