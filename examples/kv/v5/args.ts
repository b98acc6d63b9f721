// Reading command arguments.

import { ReplyError } from './resp.js';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** The argument at `i`; the arity check guarantees it exists. */
export function arg(args: readonly string[], i: number): string {
  const value = args[i];
  if (value === undefined) throw new ReplyError('ERR syntax error');
  return value;
}

/** A 64-bit signed integer in Redis's strict decimal form. */
export function parseInt64(text: string): bigint {
  if (!/^(0|-?[1-9]\d{0,18})$/.test(text)) throw new ReplyError('ERR value is not an integer or out of range');
  const value = BigInt(text);
  if (value < INT64_MIN || value > INT64_MAX) throw new ReplyError('ERR value is not an integer or out of range');
  return value;
}

/** An integer argument small enough to be a JavaScript number (indices, counts). */
export function parseIndex(text: string): number {
  const value = parseInt64(text);
  if (value < BigInt(Number.MIN_SAFE_INTEGER) || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ReplyError('ERR value is out of range');
  }
  return Number(value);
}

/** Now plus `amount` units of `unitMs`, as a Unix time in milliseconds. */
export function expiryTime(amount: string, unitMs: number, command: string): number {
  const at = Date.now() + Number(parseInt64(amount)) * unitMs;
  if (!Number.isSafeInteger(at)) throw new ReplyError(`ERR invalid expire time in '${command}' command`);
  return at;
}
