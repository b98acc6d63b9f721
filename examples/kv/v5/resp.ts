// RESP2: the request parser (multibulk and inline requests, pipelined, split
// across TCP chunks at any byte) and the reply encoder.
//
// Values are JavaScript strings decoded as UTF-8; bulk lengths are counted in
// bytes on the wire, both ways.

export type Reply =
  | { readonly type: 'simple'; readonly value: string }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'integer'; readonly value: number | bigint }
  | { readonly type: 'bulk'; readonly value: string | null }
  | { readonly type: 'array'; readonly items: readonly Reply[] | null };

export const OK: Reply = { type: 'simple', value: 'OK' };
export const NIL: Reply = { type: 'bulk', value: null };
export const EMPTY_ARRAY: Reply = { type: 'array', items: [] };

export function simple(value: string): Reply {
  return { type: 'simple', value };
}

/** An error reply; `message` starts with its code: `ERR ...`, `WRONGTYPE ...`. */
export function error(message: string): Reply {
  return { type: 'error', message };
}

export function integer(value: number | bigint): Reply {
  return { type: 'integer', value };
}

export function bulk(value: string | null): Reply {
  return { type: 'bulk', value };
}

export function array(items: readonly Reply[] | null): Reply {
  return { type: 'array', items };
}

export function bulkArray(values: Iterable<string | null>): Reply {
  const items: Reply[] = [];
  for (const value of values) items.push(bulk(value));
  return array(items);
}

/** Thrown by a command handler to answer with an error reply. */
export class ReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
  }
}

/** Appends the wire form of `reply` to `out`. */
export function encode(reply: Reply, out: string[]): void {
  switch (reply.type) {
    case 'simple':
      out.push('+', reply.value, '\r\n');
      return;
    case 'error':
      // A simple string cannot hold a line break.
      out.push('-', reply.message.replace(/[\r\n]+/g, ' '), '\r\n');
      return;
    case 'integer':
      out.push(':', String(reply.value), '\r\n');
      return;
    case 'bulk':
      if (reply.value === null) out.push('$-1\r\n');
      else out.push('$', String(Buffer.byteLength(reply.value, 'utf8')), '\r\n', reply.value, '\r\n');
      return;
    case 'array':
      if (reply.items === null) {
        out.push('*-1\r\n');
        return;
      }
      out.push('*', String(reply.items.length), '\r\n');
      for (const item of reply.items) encode(item, out);
      return;
  }
}

const CR = 0x0d;
const LF = 0x0a;
const STAR = 0x2a;
const DOLLAR = 0x24;
const EMPTY = Buffer.alloc(0);

/** The limits Redis applies to requests. */
const MAX_INLINE_LENGTH = 64 * 1024;
const MAX_MULTIBULK_LENGTH = 1024 * 1024;
const MAX_BULK_LENGTH = 512 * 1024 * 1024;

/**
 * One connection's request parser. Feed it chunks as they arrive; it returns
 * every request completed so far and keeps the rest for the next chunk.
 */
export class RequestParser {
  /** Set once the stream is malformed; the connection must then be closed. */
  protocolError: string | null = null;
  private buffer: Buffer = EMPTY;
  /** Chunks held back while a large bulk string is still arriving. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the request at the head of the buffer needs, when known. */
  private needed = 0;

  /** Appends `chunk` and returns the complete requests, in order. */
  push(chunk: Buffer): string[][] {
    if (this.protocolError !== null) return [];
    if (this.needed > 0 && this.buffer.length + this.pendingBytes + chunk.length < this.needed) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      return [];
    }
    if (this.pending.length > 0) {
      this.buffer = Buffer.concat([this.buffer, ...this.pending, chunk]);
      this.pending = [];
      this.pendingBytes = 0;
    } else {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    }
    this.needed = 0;

    const requests: string[][] = [];
    let pos = 0;
    try {
      while (pos < this.buffer.length) {
        const parsed = this.buffer[pos] === STAR ? this.parseMultibulk(pos) : this.parseInline(pos);
        if (parsed === null) break;
        pos = parsed.next;
        if (parsed.args.length > 0) requests.push(parsed.args);
      }
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.protocolError = err.message;
      this.buffer = EMPTY;
      return requests;
    }
    this.buffer = pos === this.buffer.length ? EMPTY : this.buffer.subarray(pos);
    return requests;
  }

  /** `*<n>\r\n` then n times `$<len>\r\n<bytes>\r\n`. */
  private parseMultibulk(start: number): Parsed | null {
    const buf = this.buffer;
    const headerEnd = buf.indexOf('\r\n', start);
    if (headerEnd < 0) {
      if (buf.length - start > MAX_INLINE_LENGTH) throw new ProtocolError('too big mbulk count string');
      return null;
    }
    const count = parseLength(buf, start + 1, headerEnd);
    if (count === null || count > MAX_MULTIBULK_LENGTH) throw new ProtocolError('invalid multibulk length');
    let pos = headerEnd + 2;
    if (count <= 0) return { args: [], next: pos };

    const args: string[] = [];
    for (let i = 0; i < count; i++) {
      if (pos >= buf.length) return null;
      if (buf[pos] !== DOLLAR) {
        throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[pos] ?? 0)}'`);
      }
      const lineEnd = buf.indexOf('\r\n', pos);
      if (lineEnd < 0) {
        if (buf.length - pos > MAX_INLINE_LENGTH) throw new ProtocolError('too big bulk count string');
        return null;
      }
      const length = parseLength(buf, pos + 1, lineEnd);
      if (length === null || length < 0 || length > MAX_BULK_LENGTH) throw new ProtocolError('invalid bulk length');
      const dataStart = lineEnd + 2;
      const dataEnd = dataStart + length;
      if (dataEnd + 2 > buf.length) {
        this.needed = dataEnd + 2 - start;
        return null;
      }
      if (buf[dataEnd] !== CR || buf[dataEnd + 1] !== LF) throw new ProtocolError('invalid bulk string terminator');
      args.push(buf.toString('utf8', dataStart, dataEnd));
      pos = dataEnd + 2;
    }
    return { args, next: pos };
  }

  /** A telnet-style line: `SET k "hello world"\r\n` (a bare `\n` also ends it). */
  private parseInline(start: number): Parsed | null {
    const buf = this.buffer;
    const lineEnd = buf.indexOf(LF, start);
    if (lineEnd < 0) {
      if (buf.length - start > MAX_INLINE_LENGTH) throw new ProtocolError('too big inline request');
      return null;
    }
    const end = lineEnd > start && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    const args = splitInline(buf.toString('utf8', start, end));
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    return { args, next: lineEnd + 1 };
  }
}

interface Parsed {
  readonly args: string[];
  readonly next: number;
}

class ProtocolError extends Error {}

/** A decimal integer between `from` and `to`, or null when malformed. */
function parseLength(buf: Buffer, from: number, to: number): number | null {
  const text = buf.toString('latin1', from, to);
  if (!/^-?\d{1,12}$/.test(text)) return null;
  return Number(text);
}

/**
 * Splits an inline request into arguments the way redis-cli and Redis do:
 * whitespace separates, "double quotes" take \n \r \t \b \a \\ \" \xHH escapes,
 * 'single quotes' take only \'. Returns null on unbalanced quotes.
 */
export function splitInline(line: string): string[] | null {
  const args: string[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    while (i < n && /\s/.test(line[i] ?? '')) i++;
    if (i >= n) return args;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const c = line[i];
      if (inDouble) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          // A closing quote must be followed by a space or the end.
          if (i + 1 < n && !/\s/.test(line[i + 1] ?? '')) return null;
          inDouble = false;
          i++;
          break;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          current += "'";
          i++;
        } else if (c === "'") {
          if (i + 1 < n && !/\s/.test(line[i + 1] ?? '')) return null;
          inSingle = false;
          i++;
          break;
        } else {
          current += c;
        }
      } else {
        if (c === undefined || /\s/.test(c)) break;
        if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else current += c;
      }
      i++;
    }
    args.push(current);
  }
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}
