// The command table and dispatch. Each handler takes the request's arguments
// (name first) and returns one reply; it throws ReplyError to answer an error.

import { globMatch } from './glob.js';
import {
  EMPTY_ARRAY,
  NIL,
  OK,
  ReplyError,
  bulk,
  bulkArray,
  error,
  integer,
  simple,
  type Reply,
} from './resp.js';
import * as store from './store.js';

/** Per-connection flags a command can set for the server to act on. */
export interface Session {
  /** Close the connection once this reply is written. */
  quit: boolean;
}

type Handler = (args: readonly string[], session: Session) => Reply;

interface Command {
  /** Redis convention: exact argument count with the name, or -minimum. */
  readonly arity: number;
  readonly handler: Handler;
}

const SERVER_VERSION = '7.0.0';
const CONFIG: ReadonlyMap<string, string> = new Map([
  ['save', ''],
  ['appendonly', 'no'],
]);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const table = new Map<string, Command>([
  ['ping', { arity: -1, handler: ping }],
  ['echo', { arity: 2, handler: (args) => bulk(arg(args, 1)) }],
  ['quit', { arity: -1, handler: quit }],
  ['command', { arity: -1, handler: () => EMPTY_ARRAY }],
  ['config', { arity: -2, handler: config }],
  ['info', { arity: -1, handler: info }],
  ['get', { arity: 2, handler: get }],
  ['set', { arity: -3, handler: set }],
  ['mget', { arity: -2, handler: mget }],
  ['mset', { arity: -3, handler: mset }],
  ['incr', { arity: 2, handler: (args) => incrBy(arg(args, 1), 1n) }],
  ['decr', { arity: 2, handler: (args) => incrBy(arg(args, 1), -1n) }],
  ['del', { arity: -2, handler: del }],
  ['exists', { arity: -2, handler: exists }],
  ['keys', { arity: 2, handler: keys }],
  ['expire', { arity: 3, handler: (args) => expire(args, 1000) }],
  ['pexpire', { arity: 3, handler: (args) => expire(args, 1) }],
  ['ttl', { arity: 2, handler: ttl }],
  ['pttl', { arity: 2, handler: pttl }],
  ['persist', { arity: 2, handler: persist }],
  ['dbsize', { arity: 1, handler: () => integer(store.size()) }],
  ['flushdb', { arity: -1, handler: flushdb }],
]);

/** Runs one request and returns its reply. */
export function dispatch(args: readonly string[], session: Session): Reply {
  const name = (args[0] ?? '').toLowerCase();
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
    return command.handler(args, session);
  } catch (err) {
    if (err instanceof ReplyError) return error(err.message);
    throw err;
  }
}

/** The argument at `i`; the arity check guarantees it exists. */
function arg(args: readonly string[], i: number): string {
  const value = args[i];
  if (value === undefined) throw new ReplyError('ERR syntax error');
  return value;
}

/** A 64-bit signed integer in Redis's strict decimal form. */
function parseInt64(text: string): bigint {
  if (!/^(0|-?[1-9]\d{0,18})$/.test(text)) throw new ReplyError('ERR value is not an integer or out of range');
  const value = BigInt(text);
  if (value < INT64_MIN || value > INT64_MAX) throw new ReplyError('ERR value is not an integer or out of range');
  return value;
}

function ping(args: readonly string[]): Reply {
  if (args.length > 2) throw new ReplyError("ERR wrong number of arguments for 'ping' command");
  return args.length === 2 ? bulk(arg(args, 1)) : simple('PONG');
}

function quit(_args: readonly string[], session: Session): Reply {
  session.quit = true;
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

/** Enough of INFO for clients' ready checks (ioredis sends INFO on connect). */
function info(): Reply {
  const lines = [
    '# Server',
    `redis_version:${SERVER_VERSION}`,
    'redis_mode:standalone',
    `process_id:${process.pid}`,
    `uptime_in_seconds:${Math.floor(process.uptime())}`,
  ];
  return bulk(lines.join('\r\n') + '\r\n');
}

function get(args: readonly string[]): Reply {
  return bulk(store.getValue(arg(args, 1)) ?? null);
}

/** SET key value [NX | XX] [EX seconds | PX milliseconds | KEEPTTL] */
function set(args: readonly string[]): Reply {
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
  const existing = store.get(key);
  if ((condition === 'nx' && existing !== undefined) || (condition === 'xx' && existing === undefined)) return NIL;
  store.set(key, arg(args, 2), keepTtl ? existing?.expiresAt : expiresAt);
  return OK;
}

/** Now plus `amount` units of `unitMs`, as a Unix time in milliseconds. */
function expiryTime(amount: string, unitMs: number, command: string): number {
  const at = Date.now() + Number(parseInt64(amount)) * unitMs;
  if (!Number.isSafeInteger(at)) throw new ReplyError(`ERR invalid expire time in '${command}' command`);
  return at;
}

function mget(args: readonly string[]): Reply {
  return bulkArray(args.slice(1).map((key) => store.getValue(key) ?? null));
}

function mset(args: readonly string[]): Reply {
  if (args.length % 2 !== 1) throw new ReplyError("ERR wrong number of arguments for 'mset' command");
  for (let i = 1; i < args.length; i += 2) store.set(arg(args, i), arg(args, i + 1));
  return OK;
}

/** INCR and DECR keep the key's TTL, as in Redis. */
function incrBy(key: string, delta: bigint): Reply {
  const entry = store.get(key);
  const result = (entry === undefined ? 0n : parseInt64(entry.value)) + delta;
  if (result < INT64_MIN || result > INT64_MAX) throw new ReplyError('ERR increment or decrement would overflow');
  if (entry === undefined) store.set(key, result.toString());
  else entry.value = result.toString();
  return integer(result);
}

function del(args: readonly string[]): Reply {
  let removed = 0;
  for (const key of args.slice(1)) if (store.remove(key)) removed++;
  return integer(removed);
}

function exists(args: readonly string[]): Reply {
  let found = 0;
  for (const key of args.slice(1)) if (store.has(key)) found++;
  return integer(found);
}

function keys(args: readonly string[]): Reply {
  const pattern = arg(args, 1);
  const matched: string[] = [];
  for (const key of store.keys()) if (pattern === '*' || globMatch(pattern, key)) matched.push(key);
  return bulkArray(matched);
}

/** EXPIRE / PEXPIRE: a time already past deletes the key at once. */
function expire(args: readonly string[], unitMs: number): Reply {
  const key = arg(args, 1);
  const name = unitMs === 1 ? 'pexpire' : 'expire';
  const at = expiryTime(arg(args, 2), unitMs, name);
  if (at <= Date.now()) return integer(store.remove(key) ? 1 : 0);
  return integer(store.setExpiry(key, at) ? 1 : 0);
}

/** Seconds left, rounded to the nearest second as Redis does. */
function ttl(args: readonly string[]): Reply {
  const ms = store.ttl(arg(args, 1));
  return integer(ms < 0 ? ms : Math.floor((ms + 500) / 1000));
}

function pttl(args: readonly string[]): Reply {
  return integer(store.ttl(arg(args, 1)));
}

function persist(args: readonly string[]): Reply {
  const entry = store.get(arg(args, 1));
  if (entry === undefined || entry.expiresAt === undefined) return integer(0);
  entry.expiresAt = undefined;
  return integer(1);
}

function flushdb(args: readonly string[]): Reply {
  const mode = args[1]?.toLowerCase();
  if (args.length > 2 || (mode !== undefined && mode !== 'sync' && mode !== 'async')) {
    throw new ReplyError('ERR syntax error');
  }
  store.clear();
  return OK;
}
