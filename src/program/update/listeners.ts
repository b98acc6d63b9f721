import { Server as HttpServer } from 'node:http';
import { Server } from 'node:net';

const HTTP_EVENTS = ['request', 'checkContinue', 'checkExpectation', 'upgrade', 'connect'] as const;

interface Deferred {
  readonly server: Server;
  readonly old: Server;
  readonly callback: (() => void) | undefined;
}

type ListenFn = (this: Server, ...args: unknown[]) => Server;

/**
 * Lets a reloaded module take over the address its old version listens on:
 * while new instances evaluate, a `listen` on an address an existing server
 * holds is deferred; at commit the new server adopts the old one's listening
 * handle. No EADDRINUSE, and no moment with nobody accepting. Only active
 * during an update's evaluation: zero cost otherwise.
 */
export class ListenerTakeover {
  private readonly deferred: Deferred[] = [];
  private original: ListenFn | undefined;

  intercept(): void {
    const original = Server.prototype.listen as unknown as ListenFn;
    this.original = original;
    const self = this;
    (Server.prototype as unknown as { listen: ListenFn }).listen = function (this: Server, ...args: unknown[]) {
      const wanted = portOf(args);
      const old = wanted === undefined ? undefined : findListening(wanted, this);
      if (!old) return original.apply(this, args);
      const callback = args.find((a): a is () => void => typeof a === 'function');
      self.deferred.push({ server: this, old, callback });
      return this;
    };
  }

  restore(): void {
    if (this.original) (Server.prototype as unknown as { listen: ListenFn }).listen = this.original;
    this.original = undefined;
  }

  /** At commit: each new server adopts its old server's handle; the old one stops accepting. */
  commit(): void {
    for (const { server, old, callback } of this.deferred) {
      const handle = (old as unknown as { _handle: unknown })._handle;
      (old as unknown as { _handle: unknown })._handle = null;
      server.listen(handle as never, callback);
      if (old instanceof HttpServer) {
        // Requests on connections the old server accepted (keep-alive) go to
        // the new server's handlers from now on. close() is not called: on an
        // HTTP server it would drop idle keep-alive connections.
        for (const event of HTTP_EVENTS) {
          old.removeAllListeners(event);
          old.on(event, (...args: unknown[]) => server.emit(event, ...args));
        }
      } else {
        // Its open connections stay with it until they end; then it is gone.
        old.close();
      }
    }
    this.deferred.length = 0;
  }
}

export function portOf(args: unknown[]): { port: number; host: string | undefined } | undefined {
  const first = args[0];
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { port: Number(first), host: typeof args[1] === 'string' ? args[1] : undefined };
  }
  if (typeof first === 'object' && first !== null && 'port' in first) {
    const o = first as { port?: unknown; host?: unknown };
    if (o.port === undefined) return undefined;
    return { port: Number(o.port), host: typeof o.host === 'string' ? o.host : undefined };
  }
  return undefined;
}

function findListening(wanted: { port: number; host: string | undefined }, except: Server): Server | undefined {
  if (wanted.port === 0) return undefined;
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  for (const h of handles) {
    if (!(h instanceof Server) || h === except || !h.listening) continue;
    const address = h.address();
    if (typeof address !== 'object' || address === null) continue;
    if (address.port !== wanted.port) continue;
    if (wanted.host !== undefined && !sameHost(wanted.host, address.address)) continue;
    return h;
  }
  return undefined;
}

function sameHost(a: string, b: string): boolean {
  const norm = (h: string) => (h === 'localhost' ? '127.0.0.1' : h);
  return norm(a) === norm(b);
}
