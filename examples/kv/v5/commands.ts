// The command table and dispatch, with the string, list, hash, server and
// connection commands; keys.ts has the commands on keys of any type; info.ts
// writes INFO. Every command works in the client's selected database. Each handler takes
// the request's arguments (name first) and returns one reply; it throws
// ReplyError to answer an error.

import { INT64_MAX, INT64_MIN, arg, expiryTime, parseIndex, parseInt64 } from './args.js';
import { Client, adoptSession, clients, describe } from './clients.js';
import { infoText } from './info.js';
import * as keyspace from './keys.js';
import { globMatch } from './keys.js';
import {
  EMPTY_ARRAY,
  NIL,
  OK,
  ReplyError,
  array,
  bulk,
  bulkArray,
  error,
  integer,
  simple,
  type Reply,
} from './resp.js';
import * as store from './store.js';

type Handler = (args: readonly string[], client: Client) => Reply;

interface Command {
  /** Redis convention: exact argument count with the name, or -minimum. */
  readonly arity: number;
  readonly handler: Handler;
}

const CONFIG: ReadonlyMap<string, string> = new Map([
  ['save', ''],
  ['appendonly', 'no'],
]);

const table = new Map<string, Command>([
  // server
  ['ping', { arity: -1, handler: ping }],
  ['echo', { arity: 2, handler: (args) => bulk(arg(args, 1)) }],
  ['quit', { arity: -1, handler: quit }],
  ['command', { arity: -1, handler: () => EMPTY_ARRAY }],
  ['config', { arity: -2, handler: config }],
  ['info', { arity: -1, handler: (args, client) => bulk(infoText(args.slice(1), client)) }],
  ['client', { arity: -2, handler: clientCommand }],
  ['select', { arity: 2, handler: select }],
  ['dbsize', { arity: 1, handler: (_args, client) => integer(store.size(client.db)) }],
  ['flushdb', { arity: -1, handler: flushdb }],
  ['flushall', { arity: -1, handler: flushdb }],
  // keys of any type
  ['del', { arity: -2, handler: keyspace.del }],
  ['exists', { arity: -2, handler: keyspace.exists }],
  ['keys', { arity: 2, handler: keyspace.keys }],
  ['type', { arity: 2, handler: keyspace.type }],
  ['expire', { arity: 3, handler: (args, client) => keyspace.expire(args, client, 1000) }],
  ['pexpire', { arity: 3, handler: (args, client) => keyspace.expire(args, client, 1) }],
  ['ttl', { arity: 2, handler: keyspace.ttl }],
  ['pttl', { arity: 2, handler: keyspace.pttl }],
  ['persist', { arity: 2, handler: keyspace.persist }],
  // strings
  ['get', { arity: 2, handler: get }],
  ['set', { arity: -3, handler: set }],
  ['mget', { arity: -2, handler: mget }],
  ['mset', { arity: -3, handler: mset }],
  ['incr', { arity: 2, handler: (args, client) => incrBy(client.db, arg(args, 1), 1n) }],
  ['decr', { arity: 2, handler: (args, client) => incrBy(client.db, arg(args, 1), -1n) }],
  // lists
  ['lpush', { arity: -3, handler: (args, client) => push(args, client, 'left') }],
  ['rpush', { arity: -3, handler: (args, client) => push(args, client, 'right') }],
  ['lpop', { arity: -2, handler: (args, client) => pop(args, client, 'left') }],
  ['rpop', { arity: -2, handler: (args, client) => pop(args, client, 'right') }],
  ['lrange', { arity: 4, handler: lrange }],
  ['llen', { arity: 2, handler: (args, c) => integer(store.lookup(c.db, arg(args, 1), 'list')?.items.length ?? 0) }],
  // hashes
  ['hset', { arity: -4, handler: hset }],
  ['hget', { arity: 3, handler: hget }],
  ['hdel', { arity: -3, handler: hdel }],
  ['hgetall', { arity: 2, handler: hgetall }],
  ['hlen', { arity: 2, handler: (args, c) => integer(store.lookup(c.db, arg(args, 1), 'hash')?.fields.size ?? 0) }],
]);

/** Runs one request and returns its reply. */
export function dispatch(args: readonly string[], session: Client): Reply {
  const client = session instanceof Client ? session : adoptSession(session);
  const name = (args[0] ?? '').toLowerCase();
  client.lastCommandAt = Date.now();
  client.lastCommand = name;
  const command = table.get(name);
  if (command === undefined) {
    const rest = args.slice(1, 20).map((a) => `'${a}' `).join('');
    return error(`ERR unknown command '${args[0] ?? ''}', with args beginning with: ${rest}`);
  }
  const { arity } = command;
  if ((arity > 0 && args.length !== arity) || (arity < 0 && args.length < -arity)) {
    return error(`ERR wrong number of arguments for '${name}' command`);
  }
  try {
    return command.handler(args, client);
  } catch (err) {
    if (err instanceof ReplyError) return error(err.message);
    throw err;
  }
}

// --- server -----------------------------------------------------------------

function ping(args: readonly string[]): Reply {
  if (args.length > 2) throw new ReplyError("ERR wrong number of arguments for 'ping' command");
  return args.length === 2 ? bulk(arg(args, 1)) : simple('PONG');
}

function quit(_args: readonly string[], client: Client): Reply {
  client.quit = true;
  return OK;
}

/** CLIENT ID | GETNAME | SETNAME name | LIST | SETINFO (accepted, ignored). */
function clientCommand(args: readonly string[], client: Client): Reply {
  const sub = arg(args, 1).toLowerCase();
  if (sub === 'id' && args.length === 2) return integer(client.id);
  if (sub === 'getname' && args.length === 2) return bulk(client.name === '' ? null : client.name);
  if (sub === 'setname' && args.length === 3) {
    const name = arg(args, 2);
    if (!/^[!-~]*$/.test(name)) {
      throw new ReplyError('ERR Client names cannot contain spaces, newlines or special characters.');
    }
    client.name = name;
    return OK;
  }
  if (sub === 'list' && args.length === 2) {
    return bulk([...clients.values()].map((c) => describe(c) + '\n').join(''));
  }
  if (sub === 'setinfo' && args.length === 4) return OK;
  throw new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${arg(args, 1)}'. Try CLIENT HELP.`);
}

function select(args: readonly string[], client: Client): Reply {
  const index = parseIndex(arg(args, 1));
  // v5 fix: the error text is Redis's own; v4 answered 'ERR invalid DB index'.
  if (index < 0 || index >= store.DATABASES) throw new ReplyError('ERR DB index is out of range');
  client.db = index;
  return OK;
}

/**
 * CONFIG GET answers the few settings clients ask about (redis-benchmark reads
 * `save` and `appendonly`): kv never persists. Anything else matches nothing.
 */
function config(args: readonly string[]): Reply {
  const sub = arg(args, 1).toLowerCase();
  if (sub !== 'get') throw new ReplyError(`ERR unknown subcommand '${arg(args, 1)}'. Try CONFIG HELP.`);
  const found = new Map<string, string>();
  for (const pattern of args.slice(2)) {
    for (const [name, value] of CONFIG) if (globMatch(pattern.toLowerCase(), name)) found.set(name, value);
  }
  return bulkArray([...found].flat());
}

/** FLUSHDB empties the client's database, FLUSHALL every database. */
function flushdb(args: readonly string[], client: Client): Reply {
  const mode = args[1]?.toLowerCase();
  if (args.length > 2 || (mode !== undefined && mode !== 'sync' && mode !== 'async')) {
    throw new ReplyError('ERR syntax error');
  }
  if (arg(args, 0).toLowerCase() === 'flushall') store.clearAll();
  else store.clear(client.db);
  return OK;
}

// --- strings ----------------------------------------------------------------

function get(args: readonly string[], client: Client): Reply {
  return bulk(store.getString(client.db, arg(args, 1)) ?? null);
}

/** SET key value [NX | XX] [EX seconds | PX milliseconds | KEEPTTL]; replaces a value of any type. */
function set(args: readonly string[], client: Client): Reply {
  const key = arg(args, 1);
  let condition: 'nx' | 'xx' | undefined;
  let expiresAt: number | undefined;
  let keepTtl = false;
  for (let i = 3; i < args.length; i++) {
    const option = arg(args, i).toLowerCase();
    if ((option === 'nx' || option === 'xx') && (condition === undefined || condition === option)) {
      condition = option;
    } else if ((option === 'ex' || option === 'px') && expiresAt === undefined && !keepTtl && i + 1 < args.length) {
      expiresAt = expiryTime(arg(args, ++i), option === 'ex' ? 1000 : 1, 'set');
      if (expiresAt <= Date.now()) throw new ReplyError("ERR invalid expire time in 'set' command");
    } else if (option === 'keepttl' && expiresAt === undefined) {
      keepTtl = true;
    } else {
      throw new ReplyError('ERR syntax error');
    }
  }
  const existing = store.get(client.db, key);
  if ((condition === 'nx' && existing !== undefined) || (condition === 'xx' && existing === undefined)) return NIL;
  store.setString(client.db, key, arg(args, 2), keepTtl ? existing?.expiresAt : expiresAt);
  return OK;
}

/** A key that holds another type reads as nil here, as in Redis. */
function mget(args: readonly string[], client: Client): Reply {
  return bulkArray(
    args.slice(1).map((key) => {
      const value = store.get(client.db, key)?.value;
      return value?.kind === 'string' ? value.data : null;
    }),
  );
}

function mset(args: readonly string[], client: Client): Reply {
  if (args.length % 2 !== 1) throw new ReplyError("ERR wrong number of arguments for 'mset' command");
  for (let i = 1; i < args.length; i += 2) store.setString(client.db, arg(args, i), arg(args, i + 1));
  return OK;
}

/** INCR and DECR keep the key's TTL, as in Redis. */
function incrBy(db: number, key: string, delta: bigint): Reply {
  const value = store.lookup(db, key, 'string');
  const result = (value === undefined ? 0n : parseInt64(value.data)) + delta;
  if (result < INT64_MIN || result > INT64_MAX) throw new ReplyError('ERR increment or decrement would overflow');
  if (value === undefined) store.setString(db, key, result.toString());
  else value.data = result.toString();
  return integer(result);
}

// --- lists ------------------------------------------------------------------

/** LPUSH / RPUSH key element...: the list's new length. */
function push(args: readonly string[], client: Client, side: 'left' | 'right'): Reply {
  const list = store.listForWrite(client.db, arg(args, 1));
  for (const element of args.slice(2)) {
    if (side === 'left') list.items.unshift(element);
    else list.items.push(element);
  }
  return integer(list.items.length);
}

/** LPOP / RPOP key [count]: one element, or an array of up to count. */
function pop(args: readonly string[], client: Client, side: 'left' | 'right'): Reply {
  if (args.length > 3) throw new ReplyError('ERR syntax error');
  const key = arg(args, 1);
  const countArg = args[2];
  const count = countArg === undefined ? undefined : parseIndex(countArg);
  if (count !== undefined && count < 0) throw new ReplyError('ERR value is out of range, must be positive');
  const list = store.lookup(client.db, key, 'list');
  if (list === undefined) return count === undefined ? NIL : array(null);
  const taken =
    side === 'left'
      ? list.items.splice(0, count ?? 1)
      : list.items.splice(Math.max(list.items.length - (count ?? 1), 0)).reverse();
  store.removeIfEmpty(client.db, key, list);
  return count === undefined ? bulk(taken[0] ?? null) : bulkArray(taken);
}

/** LRANGE key start stop: both inclusive; negative indices count from the end. */
function lrange(args: readonly string[], client: Client): Reply {
  const items = store.lookup(client.db, arg(args, 1), 'list')?.items ?? [];
  const start = parseIndex(arg(args, 2));
  const stop = parseIndex(arg(args, 3));
  // v5 fix: a negative stop is inclusive too. v3 and v4 passed it to slice()
  // as is, which made it exclusive: LRANGE key 0 -1 left out the last element.
  // (A negative start already counts from the end in slice(), as in Redis;
  // a stop before the first element must not wrap around to the end again.)
  return bulkArray(items.slice(start, stop < 0 ? Math.max(items.length + stop + 1, 0) : stop + 1));
}

// --- hashes -----------------------------------------------------------------

/** HSET key field value [field value ...]: how many fields were added (not updated). */
function hset(args: readonly string[], client: Client): Reply {
  if (args.length % 2 !== 0) throw new ReplyError("ERR wrong number of arguments for 'hset' command");
  const hash = store.hashForWrite(client.db, arg(args, 1));
  let added = 0;
  for (let i = 2; i < args.length; i += 2) {
    const field = arg(args, i);
    if (!hash.fields.has(field)) added++;
    hash.fields.set(field, arg(args, i + 1));
  }
  return integer(added);
}

function hget(args: readonly string[], client: Client): Reply {
  return bulk(store.lookup(client.db, arg(args, 1), 'hash')?.fields.get(arg(args, 2)) ?? null);
}

function hdel(args: readonly string[], client: Client): Reply {
  const key = arg(args, 1);
  const hash = store.lookup(client.db, key, 'hash');
  if (hash === undefined) return integer(0);
  let removed = 0;
  for (const field of args.slice(2)) if (hash.fields.delete(field)) removed++;
  store.removeIfEmpty(client.db, key, hash);
  return integer(removed);
}

/** Field, value, field, value, ... */
function hgetall(args: readonly string[], client: Client): Reply {
  const hash = store.lookup(client.db, arg(args, 1), 'hash');
  return hash === undefined ? EMPTY_ARRAY : bulkArray([...hash.fields].flat());
}
