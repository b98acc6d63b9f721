import { serialize } from 'node:v8';
import { types } from 'node:util';
import { NO_PROTOTYPE, PLAIN, Tag, type Encoded, type Header, type Shape } from './state-format.js';
import { classify, NULL_PROTO, type ClassName } from './transferable.js';

/** Thrown when the state holds something that cannot cross; `explain` (transferable.ts) then names what and where. */
export class CannotCross extends Error {}

/** How objects of one prototype are written, decided once per prototype. */
type ProtoPlan =
  | { readonly kind: 'array' | 'map' | 'set' | 'date' | 'cloned' }
  | { readonly kind: 'object'; readonly proto: number; readonly byKeys: Map<string, number>; last: { keys: string[]; shape: number } | undefined };

/**
 * Writes the state in the format of state-format.ts, in one walk: each
 * object is visited once (one Set insertion tells a first visit from a
 * shared reference or a cycle), its prototype decides once how objects like
 * it are written, and objects of a known shape write their values only.
 * What v8's structured clone did, it keeps (Maps, Sets, Dates, typed arrays,
 * shared references, cycles, null prototypes), and it names the class of
 * every app class instance, which the clone dropped.
 *
 * Kept as in the clone: own enumerable string keys only, getters read. Not
 * kept: holes in arrays (they become undefined) and non-index properties of
 * arrays. The walk recurses: a structure nested deeper than the stack throws
 * a RangeError (as `v8.serialize` did).
 */
export class Encoder {
  // Each column is a list of chunks, filled one after the other and never copied: on this kind of machine a
  // fresh page costs more than the bytes written to it (see ARCHITECTURE.md, "Process hand-off").
  private readonly tagChunks: Uint8Array[] = [];
  private readonly intChunks: Int32Array[] = [];
  private readonly numChunks: Float64Array[] = [];
  private readonly charChunks: Uint8Array[] = [];
  private tags = new Uint8Array(0);
  private ints = new Int32Array(0);
  private nums = new Float64Array(0);
  private chars = new Uint8Array(0);
  private t = 0;
  private i = 0;
  private n = 0;
  private c = 0;
  private readonly others: object[] = [];
  private readonly seen = new Set<object>();
  /** A second reference to an object: where its number goes in `ints`, filled in at the end. */
  private readonly refs: Array<{ place: { chunk: Int32Array; at: number }; target: object }> = [];
  private readonly plans = new Map<object | null, ProtoPlan>();
  private readonly shapes: Shape[] = [];
  private readonly classes: ClassName[] = [];
  private readonly classIndex = new Map<ClassName, number>();

  private readonly proxies: boolean;
  private readonly output: boolean;

  /**
   * `check`: the walk before anything stops, which only looks for what cannot cross (Proxies included) and
   * writes nothing. `transfer`: the walk in the pause, which writes and does not look for Proxies (a call into
   * C++ for every object; a Proxy made since the check is read through its traps, as what it shows).
   */
  constructor(
    private readonly appClasses: ReadonlyMap<object, ClassName>,
    mode: 'check' | 'transfer',
  ) {
    this.proxies = mode === 'check';
    this.output = mode === 'transfer';
  }

  write(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.string(value);
        return;
      case 'number':
        if ((value | 0) === value && !Object.is(value, -0)) {
          this.tag(Tag.INT);
          this.int(value);
        } else {
          this.tag(Tag.NUMBER);
          this.num(value);
        }
        return;
      case 'boolean':
        this.tag(value ? Tag.TRUE : Tag.FALSE);
        return;
      case 'undefined':
        this.tag(Tag.UNDEFINED);
        return;
      case 'bigint':
        this.tag(Tag.BIGINT);
        this.string(value.toString());
        return;
      case 'object':
        if (value === null) this.tag(Tag.NULL);
        else this.object(value);
        return;
      default:
        // A function or a symbol.
        throw new CannotCross();
    }
  }

  private object(value: object): void {
    const before = this.seen.size;
    this.seen.add(value);
    if (this.seen.size === before) {
      this.tag(Tag.REF);
      if (this.output) this.refs.push({ place: this.intPlace(), target: value });
      return;
    }
    // Before anything else: any other test would run a Proxy's traps. Looked for only where asked: the test is a
    // call into C++ for every object, and the check before anything stops did it; see `Encoder.proxies`.
    if (this.proxies && types.isProxy(value)) throw new CannotCross();
    const proto = Object.getPrototypeOf(value) as object | null;
    let plan = this.plans.get(proto);
    if (plan === undefined) {
      plan = this.planFor(value);
      this.plans.set(proto, plan);
    }
    switch (plan.kind) {
      case 'object': {
        const keys = Object.keys(value);
        this.tag(Tag.OBJECT);
        this.int(this.shapeOf(plan, keys));
        for (const key of keys) this.write((value as Record<string, unknown>)[key]);
        return;
      }
      case 'array': {
        const array = value as unknown[];
        this.tag(Tag.ARRAY);
        this.int(array.length);
        for (let j = 0; j < array.length; j++) this.write(array[j]);
        return;
      }
      case 'map':
        this.tag(Tag.MAP);
        this.int((value as Map<unknown, unknown>).size);
        (value as Map<unknown, unknown>).forEach((v, k) => {
          this.write(k);
          this.write(v);
        });
        return;
      case 'set':
        this.tag(Tag.SET);
        this.int((value as Set<unknown>).size);
        (value as Set<unknown>).forEach((v) => this.write(v));
        return;
      case 'date':
        this.tag(Tag.DATE);
        this.num((value as Date).getTime());
        return;
      case 'cloned':
        this.tag(Tag.CLONED);
        this.int(this.output ? this.others.push(value) - 1 : 0);
        return;
    }
  }

  /** The same decision as the check before anything stops (transferable.ts `classify`), made for one prototype. */
  private planFor(value: object): ProtoPlan {
    const kind = classify(value, this.appClasses);
    switch (kind.kind) {
      case 'problem':
        throw new CannotCross();
      case 'array':
      case 'map':
      case 'set':
        return { kind: kind.kind };
      case 'leaf':
        return { kind: value instanceof Date && Object.getPrototypeOf(value) === Date.prototype ? 'date' : 'cloned' };
      case 'plain':
        return { kind: 'object', proto: PLAIN, byKeys: new Map(), last: undefined };
      case 'instance':
        return { kind: 'object', proto: kind.cls === NULL_PROTO ? NO_PROTOTYPE : this.classNumber(kind.cls), byKeys: new Map(), last: undefined };
    }
  }

  private classNumber(cls: ClassName): number {
    let index = this.classIndex.get(cls);
    if (index === undefined) {
      index = this.classes.push(cls) - 1;
      this.classIndex.set(cls, index);
    }
    return index;
  }

  /** Most objects of a prototype have the keys of the one before: compared first, key by key, before any lookup. */
  private shapeOf(plan: Extract<ProtoPlan, { kind: 'object' }>, keys: string[]): number {
    const last = plan.last;
    if (last !== undefined && sameKeys(last.keys, keys)) return last.shape;
    // JSON, not a join: a key may hold any character, the separator too.
    const id = JSON.stringify(keys);
    let shape = plan.byKeys.get(id);
    if (shape === undefined) {
      shape = this.shapes.push({ proto: plan.proto, keys }) - 1;
      plan.byKeys.set(id, shape);
    }
    plan.last = { keys, shape };
    return shape;
  }

  /**
   * After the bindings: the entries of top-level WeakMaps and WeakSets whose
   * key is an object written so far, or written for one of these entries
   * (the Set's iteration goes on over what is added to it while it runs),
   * each as the weak binding's index and the key's number, then a WeakMap's
   * value. Costs a lookup per weak binding per object, only when there are
   * weak bindings.
   */
  writeWeak(weak: ReadonlyArray<WeakMap<object, unknown> | WeakSet<object>>): void {
    if (weak.length === 0) return;
    let number = 0;
    for (const object of this.seen) {
      for (let w = 0; w < weak.length; w++) {
        const table = weak[w]!;
        if (!table.has(object)) continue;
        this.weakEntries++;
        this.int(w);
        this.int(number);
        if (table instanceof WeakMap) this.write(table.get(object));
      }
      number++;
    }
  }

  private weakEntries = 0;

  /** Every object written, in the order of their numbers (for naming what cannot cross). */
  objects(): object[] {
    return [...this.seen];
  }

  /** The encoded state; the encoder is spent. */
  finish(bindings: Header['bindings'], weak: Header['weak'], history: Header['history']): Encoded {
    if (this.refs.length > 0) this.numberRefs();
    const tags = [...this.tagChunks, this.tags.subarray(0, this.t)];
    const ints = [...this.intChunks, this.ints.subarray(0, this.i)];
    const nums = [...this.numChunks, this.nums.subarray(0, this.n)];
    const chars = [...this.charChunks, this.chars.subarray(0, this.c)];
    const others = this.others.length > 0 ? serialize(this.others) : Buffer.alloc(0);
    const total = (chunks: ReadonlyArray<{ length: number }>) => chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const header: Header = {
      bindings,
      weak,
      weakEntries: this.weakEntries,
      classes: this.classes,
      shapes: this.shapes,
      counts: { tags: total(tags), ints: total(ints), nums: total(nums), chars: total(chars), others: others.length },
      history,
    };
    return { header, nums, ints, tags, chars, others };
  }

  /** Objects are numbered in the order first met, which is the Set's order. */
  private numberRefs(): void {
    const wanted = new Map<object, number>(this.refs.map((r) => [r.target, -1]));
    let number = 0;
    for (const object of this.seen) {
      if (wanted.has(object)) wanted.set(object, number);
      number++;
    }
    for (const { place, target } of this.refs) place.chunk[place.at] = wanted.get(target)!;
  }

  /**
   * A string: its characters one byte each (latin1) when every one fits, else two (UTF-16, tag STRING16, as the
   * string holds them: lone surrogates survive). Written in JS a character at a time: one call into C++ per
   * string (Buffer.latin1Write), or joining them all and converting once, measured slower.
   */
  private string(value: string): void {
    const length = value.length;
    if (!this.output) return;
    if (this.c + 2 * length > this.chars.length) this.newChars(2 * length);
    const chars = this.chars;
    const start = this.c;
    let at = start;
    for (let k = 0; k < length; k++) {
      const code = value.charCodeAt(k);
      if (code > 0xff) return this.string16(value, start);
      chars[at++] = code;
    }
    this.c = at;
    this.tag(Tag.STRING);
    this.int(length);
  }

  private string16(value: string, start: number): void {
    const chars = this.chars;
    let at = start;
    for (let k = 0; k < value.length; k++) {
      const code = value.charCodeAt(k);
      chars[at++] = code & 0xff;
      chars[at++] = code >>> 8;
    }
    this.c = at;
    this.tag(Tag.STRING16);
    this.int(value.length);
  }

  private newChars(atLeast: number): void {
    if (this.c > 0) this.charChunks.push(this.chars.subarray(0, this.c));
    this.chars = new Uint8Array(Math.max(CHUNK, atLeast));
    this.c = 0;
  }

  private tag(tag: number): void {
    if (!this.output) return;
    if (this.t === this.tags.length) {
      if (this.t > 0) this.tagChunks.push(this.tags);
      this.tags = new Uint8Array(CHUNK);
      this.t = 0;
    }
    this.tags[this.t++] = tag;
  }

  /** Reserves a place in ints, filled in at the end (`numberRefs`); where it is. */
  private intPlace(): { chunk: Int32Array; at: number } {
    this.int(-1);
    return { chunk: this.ints, at: this.i - 1 };
  }

  private int(value: number): void {
    if (!this.output) return;
    if (this.i === this.ints.length) {
      if (this.i > 0) this.intChunks.push(this.ints);
      this.ints = new Int32Array(CHUNK / 4);
      this.i = 0;
    }
    this.ints[this.i++] = value;
  }

  private num(value: number): void {
    if (!this.output) return;
    if (this.n === this.nums.length) {
      if (this.n > 0) this.numChunks.push(this.nums);
      this.nums = new Float64Array(CHUNK / 8);
      this.n = 0;
    }
    this.nums[this.n++] = value;
  }
}

/** Bytes per chunk of a column. */
const CHUNK = 1 << 20;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  return true;
}
