// Connected clients and their per-connection state.

export class Client {
  /** Set by CLIENT SETNAME; '' means no name. */
  name = '';
  /** The database SELECT chose. */
  db = 0;
  /** Close the connection once the current reply is written (QUIT). */
  quit = false;
  readonly connectedAt = Date.now();
  lastCommandAt = Date.now();
  lastCommand = 'NULL';

  constructor(
    readonly id: number,
    /** The peer, `host:port`. */
    readonly addr: string,
    /** The local address, `host:port`. */
    readonly laddr: string,
  ) {}
}

export const clients = new Map<number, Client>();

let nextId = 1;

export function openClient(addr: string, laddr: string): Client {
  const client = new Client(nextId++, addr, laddr);
  clients.set(client.id, client);
  return client;
}

/**
 * Connections accepted before v4 keep running the handler of the version that
 * accepted them, which holds a v3 session object (`{ quit }`) and passes it to
 * dispatch. Such a session becomes a Client in place on its first command, so
 * the handler's own reference sees QUIT and SELECT; it is listed as a client
 * from then on.
 */
export function adoptSession(session: { quit?: boolean }): Client {
  const client = new Client(nextId++, 'unknown', 'unknown');
  client.quit = session.quit === true;
  Object.setPrototypeOf(session, Client.prototype);
  Object.assign(session, client);
  const adopted = session as Client;
  clients.set(adopted.id, adopted);
  return adopted;
}

export function closeClient(client: Client): void {
  clients.delete(client.id);
}

/** One line of CLIENT LIST. */
export function describe(client: Client, now = Date.now()): string {
  return [
    `id=${client.id}`,
    `addr=${client.addr}`,
    `laddr=${client.laddr}`,
    `name=${client.name}`,
    `age=${Math.floor((now - client.connectedAt) / 1000)}`,
    `idle=${Math.floor((now - client.lastCommandAt) / 1000)}`,
    'flags=N',
    `db=${client.db}`,
    `cmd=${client.lastCommand}`,
  ].join(' ');
}
