import { deserialize } from 'node:v8';
import { NO_PROTOTYPE, PLAIN, Tag, type Columns } from './state-format.js';

/** Strings this long or longer are copied from the bytes, not sliced from the one string of all characters (a slice would keep it alive). */
const SLICE_COPIES_BELOW = 13;

/**
 * Reads the values encode.ts wrote, in the same order, numbering objects as
 * it makes them so a reference finds the object it names. An instance of an
 * app class is made with the new version's prototype for that class
 * (`prototypes`, by class index) and its fields are set as own properties,
 * without running a constructor, as the clone did. Instances of the classes
 * in `collect` are listed for their class transformer.
 */
export class Decoder {
  private t = 0;
  private i = 0;
  private n = 0;
  /** Position in `chars` (and in `text`, one character a byte). */
  private c = 0;
  private readonly objects: unknown[] = [];
  private readonly text: string;
  private readonly others: unknown[];
  private readonly tags: Uint8Array;
  private readonly ints: Int32Array;
  private readonly nums: Float64Array;
  private readonly makers: Array<() => object>;
  readonly instances: object[][];
  /** How many class instances were made. */
  revived = 0;

  constructor(
    private readonly encoded: Columns,
    prototypes: ReadonlyArray<object | null>,
    private readonly collect: ReadonlySet<number>,
  ) {
    ({ tags: this.tags, ints: this.ints, nums: this.nums } = encoded);
    const { chars, header } = encoded;
    // Every character as latin1, where short strings are sliced from (UTF-16 ones read their bytes instead).
    this.text = chars.toString('latin1');
    this.others = header.counts.others > 0 ? (deserialize(encoded.others) as unknown[]) : [];
    this.instances = header.classes.map(() => []);
    this.makers = header.shapes.map((shape) => {
      if (shape.proto === PLAIN) return () => ({});
      if (shape.proto === NO_PROTOTYPE) return () => Object.create(null) as object;
      const proto = prototypes[shape.proto] ?? null;
      return () => Object.create(proto) as object;
    });
  }

  read(): unknown {
    switch (this.tags[this.t++]) {
      case Tag.UNDEFINED:
        return undefined;
      case Tag.NULL:
        return null;
      case Tag.TRUE:
        return true;
      case Tag.FALSE:
        return false;
      case Tag.INT:
        return this.ints[this.i++];
      case Tag.NUMBER:
        return this.nums[this.n++];
      case Tag.STRING:
        return this.string();
      case Tag.STRING16:
        return this.string16();
      case Tag.BIGINT:
        return BigInt(this.read() as string);
      case Tag.REF:
        return this.objects[this.ints[this.i++]!];
      case Tag.OBJECT:
        return this.object();
      case Tag.ARRAY: {
        const length = this.ints[this.i++]!;
        const array: unknown[] = [];
        this.objects.push(array);
        for (let j = 0; j < length; j++) array.push(this.read());
        return array;
      }
      case Tag.MAP: {
        const size = this.ints[this.i++]!;
        const map = new Map<unknown, unknown>();
        this.objects.push(map);
        for (let j = 0; j < size; j++) {
          const key = this.read();
          map.set(key, this.read());
        }
        return map;
      }
      case Tag.SET: {
        const size = this.ints[this.i++]!;
        const set = new Set<unknown>();
        this.objects.push(set);
        for (let j = 0; j < size; j++) set.add(this.read());
        return set;
      }
      case Tag.DATE: {
        const date = new Date(this.nums[this.n++]!);
        this.objects.push(date);
        return date;
      }
      case Tag.CLONED: {
        const value = this.others[this.ints[this.i++]!];
        this.objects.push(value);
        return value;
      }
      default:
        throw new RangeError(`the state file holds an unknown tag ${this.tags[this.t - 1]} at ${this.t - 1}`);
    }
  }

  /** The weak entries written after the bindings (`Encoder.writeWeak`): weak binding index, key object, value. */
  readWeak(count: number): Array<{ weak: number; key: object; value: unknown }> {
    const out: Array<{ weak: number; key: object; value: unknown }> = [];
    const { weak } = this.encoded.header;
    for (let j = 0; j < count; j++) {
      const index = this.ints[this.i++]!;
      const key = this.objects[this.ints[this.i++]!] as object;
      out.push({ weak: index, key, value: weak[index]?.kind === 'map' ? this.read() : undefined });
    }
    return out;
  }

  private object(): object {
    const number = this.ints[this.i++]!;
    const shape = this.encoded.header.shapes[number]!;
    const object = this.makers[number]!() as Record<string, unknown>;
    this.objects.push(object);
    if (shape.proto >= 0) {
      this.revived++;
      if (this.collect.has(shape.proto)) this.instances[shape.proto]!.push(object);
    }
    for (const key of shape.keys) {
      // An own `__proto__` (JSON.parse makes them) is a property, not the prototype.
      if (key === '__proto__') Object.defineProperty(object, key, { value: this.read(), writable: true, enumerable: true, configurable: true });
      else object[key] = this.read();
    }
    return object;
  }

  private string(): string {
    const length = this.ints[this.i++]!;
    const start = this.c;
    this.c += length;
    if (length < SLICE_COPIES_BELOW) return this.text.slice(start, start + length);
    return this.encoded.chars.toString('latin1', start, start + length);
  }

  private string16(): string {
    const length = this.ints[this.i++]!;
    const start = this.c;
    this.c += 2 * length;
    return this.encoded.chars.toString('utf16le', start, start + 2 * length);
  }
}
