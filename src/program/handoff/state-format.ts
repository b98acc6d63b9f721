import type { HistoryEntry } from '../../protocol/messages.js';
import type { BindingMeta } from './snapshot.js';
import type { ClassName } from './transferable.js';

/**
 * The hand-off's state format, written by encode.ts and read by decode.ts:
 * one pre-order stream of values, split by type into columns so neither side
 * handles a byte at a time. `tags` says what each value is; its operands
 * follow in `ints` (lengths, sizes, shape and reference numbers, int32
 * numbers) and `nums` (other numbers, Dates); every string's characters are
 * concatenated in `chars`. Objects are numbered in the order they appear, so
 * a second reference to one (shared, or a cycle) is its number.
 */
export const Tag = {
  UNDEFINED: 0,
  NULL: 1,
  TRUE: 2,
  FALSE: 3,
  /** An int32 (not -0): ints. */
  INT: 4,
  /** Any other number: nums. */
  NUMBER: 5,
  /** Its length in ints, its characters next in `chars`, one byte each (latin1). */
  STRING: 6,
  /** Its decimal digits, as a string. */
  BIGINT: 7,
  /** An object met before: its number in ints. */
  REF: 8,
  /** An object with own enumerable string keys: its shape in ints, then one value per key of the shape. */
  OBJECT: 9,
  /** An array: its length in ints, then its elements. */
  ARRAY: 10,
  /** A Map: its size in ints, then key and value of each entry. */
  MAP: 11,
  /** A Set: its size in ints, then its values. */
  SET: 12,
  /** A Date: its time in nums. */
  DATE: 13,
  /**
   * What v8's structured clone copies better than a walk (typed arrays,
   * ArrayBuffers, RegExps, boxed primitives, Errors): its index in `others`,
   * cloned together by `v8.serialize` so views of one buffer still share it.
   */
  CLONED: 14,
  /** Its length in ints, its characters next in `chars`, two bytes each (UTF-16LE). */
  STRING16: 15,
} as const;

/**
 * The prototype of a shape's objects: an app class (index into `classes`),
 * `Object.prototype`, or none.
 */
export const PLAIN = -1;
export const NO_PROTOTYPE = -2;

/** Own enumerable string keys, in order, and what their objects inherit from. */
export interface Shape {
  readonly proto: number;
  readonly keys: readonly string[];
}

/**
 * A top-level WeakMap or WeakSet (a cache keyed by objects, or where esbuild
 * keeps a class's `#private` fields): its entries whose keys cross cross
 * with them, into the new version's binding of that name.
 */
export interface WeakBinding {
  readonly module: string;
  readonly name: string;
  readonly kind: 'map' | 'set';
}

/** The first section of the file: everything small, as JSON. */
export interface Header {
  readonly bindings: readonly BindingMeta[];
  /**
   * After the bindings' values, `weakEntries` entries: in ints, the index of
   * the weak binding and the number of the key object (already met), then
   * for a WeakMap its value.
   */
  readonly weak: readonly WeakBinding[];
  readonly weakEntries: number;
  readonly classes: readonly ClassName[];
  readonly shapes: readonly Shape[];
  /** Number of values of each column, and of bytes of `chars` and `others`. */
  readonly counts: { readonly tags: number; readonly ints: number; readonly nums: number; readonly chars: number; readonly others: number };
  readonly history: readonly HistoryEntry[];
}

/** The columns as the decoder reads them, each in one piece. */
export interface Columns {
  readonly header: Header;
  readonly nums: Float64Array;
  readonly ints: Int32Array;
  readonly tags: Uint8Array;
  readonly chars: Buffer;
  readonly others: Buffer;
}

/** The encoded state: the header and each column as the encoder's chunks, in file order (nums first: 8-byte aligned). */
export interface Encoded {
  readonly header: Header;
  readonly nums: readonly Float64Array[];
  readonly ints: readonly Int32Array[];
  readonly tags: readonly Uint8Array[];
  readonly chars: readonly Uint8Array[];
  readonly others: Buffer;
}

const ALIGN = 8;

/** The file's bytes, as buffers to write in order: header length (u32), header, padding to 8, then the columns. */
export function sections(encoded: Encoded): Uint8Array[] {
  const header = Buffer.from(JSON.stringify(encoded.header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const padding = Buffer.alloc((ALIGN - ((4 + header.length) % ALIGN)) % ALIGN);
  const view = (a: Float64Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return [length, header, padding, ...encoded.nums.map(view), ...encoded.ints.map(view), ...encoded.tags, ...encoded.chars, encoded.others];
}

/** Reads what `sections` wrote; the columns are views of `bytes` where aligned (copies otherwise). */
export function fromBytes(bytes: Buffer): Columns {
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.toString('utf8', 4, 4 + headerLength)) as Header;
  let at = 4 + headerLength;
  at += (ALIGN - (at % ALIGN)) % ALIGN;
  const take = (length: number) => {
    const part = bytes.subarray(at, at + length);
    if (part.length !== length) throw new RangeError(`the state file ends ${length - part.length} bytes early`);
    at += length;
    return part;
  };
  const { counts } = header;
  const nums = take(counts.nums * 8);
  const ints = take(counts.ints * 4);
  return {
    header,
    nums: (nums.byteOffset % 8 === 0 ? new Float64Array(nums.buffer, nums.byteOffset, counts.nums) : new Float64Array(new Uint8Array(nums).buffer)),
    ints: (ints.byteOffset % 4 === 0 ? new Int32Array(ints.buffer, ints.byteOffset, counts.ints) : new Int32Array(new Uint8Array(ints).buffer)),
    tags: take(counts.tags),
    chars: take(counts.chars),
    others: take(counts.others),
  };
}
