import { BatonError } from './errors.js';

// Frames are a 4-byte big-endian length, then that many bytes of UTF-8 JSON.

/**
 * The largest frame a program reads. Requests are small (an update names a
 * directory); a bigger one is refused from its length alone, before its body
 * is buffered, so no client can make the program hold or parse megabytes.
 */
export const MAX_REQUEST_FRAME = 1024 * 1024;
/** The largest frame the CLI reads: an update's report grows with the program (modules, functions). */
export const MAX_RESPONSE_FRAME = 16 * 1024 * 1024;

export function encodeFrame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Accumulates bytes and yields whole frames; malformed input is an error, not a crash. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrame = MAX_REQUEST_FRAME) {}

  push(chunk: Buffer): unknown[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: unknown[] = [];
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32BE(0);
      if (length > this.maxFrame) {
        throw new BatonError('E_PROTOCOL', `control frame of ${length} bytes is too large (the limit is ${this.maxFrame})`, 'is something other than baton talking to this socket?');
      }
      if (this.buffer.length < 4 + length) break;
      const text = this.buffer.subarray(4, 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(4 + length);
      try {
        out.push(JSON.parse(text));
      } catch {
        throw new BatonError('E_PROTOCOL', 'control message is not valid JSON', 'use the baton command to talk to a running program');
      }
    }
    return out;
  }
}
