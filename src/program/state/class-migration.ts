import type { ConstructionWatch } from './construction-watch.js';
import { OldStateView } from './old-state-view.js';
import { synchronousResult } from './synchronous.js';
import type { ClassTransformer } from './update-spec.js';

type Ctor = abstract new (...args: never[]) => object;

/**
 * The shape of a class version's instances: which fields they hold. A token
 * stored on each prototype a migration touches. A reload that changes only
 * methods keeps the shape (the new prototype gets the old token); a
 * transformer makes a new one. So an instance on any earlier prototype of the
 * same shape counts as an instance of the current version.
 */
const SHAPE = Symbol('baton.shape');
type Shape = object;

function shapeOf(proto: object | null): Shape | undefined {
  return proto !== null && Object.prototype.hasOwnProperty.call(proto, SHAPE) ? ((proto as Record<symbol, Shape>)[SHAPE]) : undefined;
}

function setShape(proto: object, shape: Shape): void {
  Object.defineProperty(proto, SHAPE, { value: shape, configurable: true, enumerable: false, writable: true });
}

/**
 * The transformer migration that replaced each shape. An instance a lazy
 * migration brings to shape N while a later update has already replaced
 * shape N goes on to the newest shape through every transformer in turn.
 */
const successors = new WeakMap<Shape, ClassMigration>();

/**
 * Every replaced prototype of each class (by module and name), weakly held.
 * Each update points all of them straight at the newest prototype, so an
 * instance made several versions ago finds its methods in two steps, and the
 * versions in between are not kept alive by a growing chain.
 */
const lineages = new Map<string, Set<WeakRef<object>>>();

/**
 * One class whose new version replaces an old one. Old instances keep their
 * identity: the old prototype is emptied and chained to the new one, so they
 * find the new methods and `instanceof` holds for the class as the program
 * now names it. With a transformer, their own fields change too: eagerly at
 * commit, or lazily through traps left on the old prototype, which turn any
 * old instance into its new shape on the first method call or first read of
 * a field it lacks.
 */
export class ClassMigration {
  /** Eager: every old instance V8 found in prepare (closure-held ones too), collected again at commit. */
  heldElsewhere: readonly object[] = [];
  /**
   * Eager: the instances to change, with their new fields. In prepare (with
   * a construction watch), the instances found and what their transformer
   * returned then, with their own fields at that moment (undefined: the
   * transformer read more than those, or the instance must catch up first;
   * it runs again at commit). At commit, the fields to apply (undefined:
   * nothing to do). Parallel arrays: a million tuples cost more than the rest.
   */
  private instances: object[] = [];
  private fields: Array<object | undefined> = [];
  private held: Array<OwnFields | undefined> = [];
  /** Eager: the old class's constructor, watched from the heap query to the commit. */
  watch: ConstructionWatch | undefined;
  /** Lazy: one old instance, to check lazy safety and to learn which fields are new. */
  sample: object | undefined;
  migrated = 0;
  /**
   * After commit, instances the transformer failed on (values that changed
   * after prepare checked them): each keeps its old fields, and the program
   * keeps running. Shown by `baton status`.
   */
  failures: { instances: number; message: string; at: number } | undefined;
  private readonly failed = new WeakSet<object>();
  /** What the transformer sees of each old instance (one view object for all calls). */
  private view: OldStateView | undefined;

  constructor(
    readonly moduleId: string,
    readonly name: string,
    readonly oldClass: Ctor,
    /** Set at commit when the class is declared again on the live module (its declaration runs then). */
    public newClass: Ctor,
    readonly transformer: ClassTransformer | undefined,
    /** Effective mode after the safety check (lazy may fall back to eager). */
    public mode: 'methods' | 'eager' | 'lazy',
  ) {
    const oldProto = oldClass.prototype as object;
    if (shapeOf(oldProto) === undefined) setShape(oldProto, {});
    this.oldShape = shapeOf(oldProto)!;
    this.newShape = transformer ? {} : this.oldShape;
  }

  /** The shape of the old version's instances, and of the new version's. */
  private readonly oldShape: Shape;
  private readonly newShape: Shape;

  /** An instance with the old version's fields: of the old class, or of an earlier version with the same fields. */
  isOldInstance(value: object): boolean {
    // An earlier prototype of the class (chained to this one) is no instance: V8's queryObjects lists it too.
    return shapeOf(Object.getPrototypeOf(value) as object | null) === this.oldShape && shapeOf(value) === undefined;
  }

  /** What V8's heap query returns that this migration must transform (not a prototype of the lineage). */
  isFoundInstance(value: object): boolean {
    return !Object.prototype.hasOwnProperty.call(value, SHAPE) && (this.isOldInstance(value) || this.isStraggler(value));
  }

  /**
   * An instance an earlier lazy migration has not reached yet, whose chain of
   * transformers leads to this migration's old class: it must go through
   * them before this one.
   */
  isStraggler(value: object): boolean {
    let shape = shapeOf(Object.getPrototypeOf(value) as object | null);
    for (let step = shape && successors.get(shape); step; step = shape && successors.get(shape)) {
      shape = step.newShape;
      if (shape === this.oldShape) return true;
    }
    return false;
  }

  /** Before commit: run the transformer on an instance and discard the result (throws if the transformer does). */
  check(instance: object): void {
    if (this.transformer && this.isOldInstance(instance)) this.fieldsOf(instance);
  }

  /** At commit, before collecting: earlier lazy migrations catch up on a straggler (this one is not chained yet). */
  catchUp(instance: object): void {
    const shape = shapeOf(Object.getPrototypeOf(instance) as object | null);
    if (shape) successors.get(shape)?.migrate(instance);
  }

  /**
   * At commit, before anything is applied: the new fields of an instance as
   * it is now (values computed earlier could be stale by the time of commit).
   */
  collect(instance: object): void {
    if (!this.transformer) return;
    this.instances.push(instance);
    this.fields.push(this.fieldsOf(instance));
    this.held.push(undefined);
  }

  /**
   * In prepare, for a watched eager migration: runs the transformer on an
   * instance V8 found (throws if it does) and keeps the result for the commit.
   */
  prepareFound(instance: object): void {
    const old = this.isOldInstance(instance);
    this.instances.push(instance);
    this.fields.push(old ? this.fieldsOf(instance) : undefined);
    this.held.push(old && !this.view!.readPastInput ? this.ownFields(instance) : undefined);
  }

  /**
   * At commit, for a watched eager migration: the instances found in prepare
   * and those constructed since. A result from prepare is used when the
   * instance's own fields still hold what the transformer read then; any
   * other instance meets the transformer now, on the values of the moment.
   * So the commit runs transformers only on what changed, not on every
   * instance again.
   */
  collectFound(): void {
    this.watch?.stop();
    const count = this.instances.length;
    for (let i = 0; i < count; i++) {
      const instance = this.instances[i]!;
      if (this.isStraggler(instance)) this.catchUp(instance);
      if (!this.isOldInstance(instance)) {
        this.fields[i] = undefined;
        continue;
      }
      const held = this.held[i];
      if (this.fields[i] === undefined || held === undefined || !unchanged(instance, held)) {
        this.fields[i] = this.fieldsOf(instance);
        this.held[i] = undefined;
      }
    }
    for (const instance of this.watch?.made ?? []) if (this.isOldInstance(instance)) this.collect(instance);
  }

  /** The latest key list seen, shared by the instances that have the same one. */
  private keys: readonly string[] = [];

  private ownFields(instance: object): OwnFields {
    let keys = Object.keys(instance);
    if (!sameKeys(keys, this.keys)) this.keys = keys;
    else keys = this.keys as string[];
    const values = new Array<unknown>(keys.length);
    for (let i = 0; i < keys.length; i++) values[i] = (instance as Record<string, unknown>)[keys[i]!];
    return { keys, values };
  }

  /**
   * Lazy is safe only if no field keeps its name with a new value: such a
   * field is read straight off the old object, past any trap.
   */
  lazyUnsafeField(sample: object): string | undefined {
    if (!this.transformer) return undefined;
    const fields = this.fieldsOf(sample) as Record<string, unknown>;
    for (const key of Object.keys(sample)) {
      if (key in fields && !Object.is(fields[key], (sample as Record<string, unknown>)[key])) return key;
    }
    return undefined;
  }

  /**
   * At commit: cannot fail (eager fields were collected just before). With a
   * transformer, eager and lazy alike leave traps on the old prototype: lazy
   * relies on them, and for eager they catch instances no walk of module state
   * reached (held only by closures).
   */
  commit(): void {
    const oldProto = this.oldClass.prototype as Record<PropertyKey, unknown>;
    const newProto = this.newClass.prototype as object;
    setShape(newProto, this.newShape);
    // Only a migration with a transformer has anything to pass on to; a
    // methods-only one would just keep the classes alive.
    if (this.transformer) successors.set(this.oldShape, this);
    const trapped = this.transformer !== undefined;
    // Which fields the new shape adds, learned from one instance before any is changed.
    const first = this.fields.findIndex((f) => f !== undefined);
    const example = this.sample ?? this.instances[first];
    const newFields = this.sample ? this.fieldNames(this.sample) : Object.keys(this.fields[first] ?? {});
    const exampleFields = example ? Object.keys(example) : [];
    // `constructor` goes too: an old instance's constructor is the class as the
    // program now names it, and the old class (and its module) can be collected.
    for (const key of Reflect.ownKeys(oldProto)) if (key !== SHAPE) delete oldProto[key];
    this.repointLineage(oldProto, newProto, trapped);
    for (let i = 0; i < this.instances.length; i++) {
      const fields = this.fields[i];
      // Keys checked unchanged at collection are the instance's keys now: no need to list them again.
      if (fields !== undefined) this.apply(this.instances[i]!, fields, this.held[i]?.keys);
    }
    this.instances = [];
    this.fields = [];
    this.held = [];
    if (trapped) {
      this.installTraps(oldProto, newProto);
      this.addFieldTraps(oldProto, newFields.filter((f) => !exampleFields.includes(f)));
    }
  }

  /**
   * Points every earlier prototype of this class straight at the newest one,
   * so no chain grows with each update and old versions can be collected. The
   * ones with the old shape go through the old prototype instead, where the
   * traps are, when there are traps.
   */
  private repointLineage(oldProto: object, newProto: object, trapped: boolean): void {
    const key = `${this.moduleId}#${this.name}`;
    const lineage = lineages.get(key) ?? new Set<WeakRef<object>>();
    lineages.set(key, lineage);
    for (const ref of lineage) {
      const proto = ref.deref();
      if (proto === undefined) lineage.delete(ref);
      else if (proto !== oldProto) Object.setPrototypeOf(proto, trapped && shapeOf(proto) === this.oldShape ? oldProto : newProto);
    }
    lineage.add(new WeakRef(oldProto));
    Object.setPrototypeOf(oldProto, newProto);
  }

  /** The lazy sweep's visitor: migrates an old instance it meets. */
  visit(value: object): void {
    if (this.mode !== 'lazy') return;
    if (this.isOldInstance(value)) this.migrate(value);
    // Left behind by an earlier lazy migration: its chain now runs through this one.
    else if (this.isStraggler(value)) this.catchUp(value);
  }

  private installTraps(oldProto: object, newProto: object): void {
    const names = new Set<PropertyKey>();
    for (let p: object | null = newProto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
      for (const key of Reflect.ownKeys(p)) if (key !== 'constructor' && key !== SHAPE) names.add(key);
    }
    const migration = this;
    for (const name of names) {
      Object.defineProperty(oldProto, name, {
        configurable: true,
        get(this: object) {
          if (migration.isOldInstance(this)) migration.migrate(this);
          return Reflect.get(newProto, name, this);
        },
        set(this: object, value: unknown) {
          if (migration.isOldInstance(this)) migration.migrate(this);
          // Still old (its transformer failed): an assignment would come back to this trap.
          if (migration.isOldInstance(this)) Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
          else (this as Record<PropertyKey, unknown>)[name] = value;
        },
      });
    }
  }

  /** Fields the new shape adds, which an old instance lacks: reading or writing one migrates it. */
  private addFieldTraps(oldProto: object, added: readonly string[]): void {
    const migration = this;
    for (const key of added) {
      if (Object.prototype.hasOwnProperty.call(oldProto, key)) continue;
      Object.defineProperty(oldProto, key, {
        configurable: true,
        get(this: object) {
          if (!migration.isOldInstance(this)) return undefined;
          migration.migrate(this);
          // Still old (its transformer failed): it has no such field.
          return migration.isOldInstance(this) ? undefined : (this as Record<string, unknown>)[key];
        },
        set(this: object, value: unknown) {
          if (migration.isOldInstance(this)) migration.migrate(this);
          Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
        },
      });
    }
  }

  /**
   * After commit (traps, sweep, catching up): a failure on one instance must
   * not reach the program's code that touched it, nor kill the process from
   * a sweep's callback. The instance stays as it was and the failure is kept.
   */
  migrate(instance: object): void {
    // Failed once: it keeps its old fields; trying again on every access would repeat the failure (or the loop).
    if (this.failed.has(instance)) return;
    let fields: object;
    this.current = instance;
    try {
      fields = this.fieldsOf(instance);
    } catch (error) {
      this.fail(instance, error);
      return;
    } finally {
      this.current = undefined;
    }
    this.apply(instance, fields);
  }

  /** The instance a transformer is running on, for a watchdog that interrupts it (no finally runs then). */
  private current: object | undefined;

  /**
   * After a watchdog interrupted a sweep slice: if this migration's transformer
   * was running, that instance failed. True if so (the sweep may go on).
   */
  interrupted(error: unknown): boolean {
    const instance = this.current;
    if (instance === undefined) return false;
    this.current = undefined;
    this.fail(instance, error);
    return true;
  }

  private fail(instance: object, error: unknown): void {
    this.failed.add(instance);
    this.failures = { instances: (this.failures?.instances ?? 0) + 1, message: (error as Error)?.message ?? String(error), at: Date.now() };
  }

  /** The new shape's field names from one instance; none if the transformer now fails on it (commit cannot fail). */
  private fieldNames(instance: object): string[] {
    try {
      return Object.keys(this.fieldsOf(instance));
    } catch {
      return [];
    }
  }

  /**
   * The transformer as the view runs it, made once per migration: made per
   * instance (a closure and its message string), it was two more objects for
   * the young generation per instance, in every slice of a million.
   */
  private runTransformer: ((view: unknown) => unknown) | undefined;

  private fieldsOf(instance: object): object {
    if (this.view === undefined || this.runTransformer === undefined) {
      const what = `the transformer of class ${this.name} in ${this.moduleId}`;
      const transformer = this.transformer!;
      this.view = new OldStateView(what);
      this.runTransformer = (view) => synchronousResult(what, transformer.fields(view));
    }
    const fields = this.view.run(this.runTransformer, instance);
    if (typeof fields !== 'object' || fields === null) {
      throw new TypeError(`the transformer of class ${this.name} in ${this.moduleId} returned ${fields === null ? 'null' : typeof fields}, not an object of fields`);
    }
    return fields;
  }

  private apply(instance: object, fields: object, ownKeys?: readonly string[]): void {
    const target = instance as Record<string, unknown>;
    const plan = this.planFor(ownKeys ?? Object.keys(target), Object.keys(fields));
    const values = fields as Record<string, unknown>;
    // Every own field goes, last first, while the old prototype (whose traps would catch the writes) is
    // still in place, and the kept ones come back after: deleting the last-added property undoes V8's
    // last map transition, so the object keeps fast properties and shares its new map with the others.
    // Deleting any other property turns the object into a dictionary (1M instances: 0.5 s against 5.6 s,
    // and reads 4x slower after); deleting only the dropped suffix left each object with a map of its
    // own (7 s). A field that cannot be deleted stays, with those before it (kept ones are overwritten).
    try {
      for (let i = plan.drop.length - 1; i >= 0; i--) delete target[plan.drop[i]!];
    } catch {
      // Non-configurable: see above.
    }
    Object.setPrototypeOf(instance, this.newClass.prototype);
    // Kept fields in their old order, then the new ones: Object.keys reads as before.
    for (const key of plan.write) target[key] = values[key];
    this.migrated++;
    const next = successors.get(this.newShape);
    if (next?.transformer) next.migrate(instance);
  }

  /** The last apply plan, reused while instances and results have the same keys (they usually all do). */
  private plan: { own: readonly string[]; next: readonly string[]; drop: readonly string[]; write: readonly string[] } | undefined;

  private planFor(own: readonly string[], next: readonly string[]): { drop: readonly string[]; write: readonly string[] } {
    const last = this.plan;
    if (last && sameKeys(own, last.own) && sameKeys(next, last.next)) return last;
    const keep = new Set(next);
    const kept = own.filter((k) => keep.has(k));
    const write = [...kept, ...next.filter((k) => !kept.includes(k))];
    this.plan = { own, next, drop: own, write };
    return this.plan;
  }
}

/** An instance's own enumerable fields at one moment: keys (shared between instances) and values. */
interface OwnFields {
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether an instance's own fields are still those `held` recorded (same keys, same values). */
function unchanged(instance: object, held: OwnFields): boolean {
  const keys = Object.keys(instance);
  if (!sameKeys(keys, held.keys)) return false;
  for (let i = 0; i < keys.length; i++) if (!Object.is((instance as Record<string, unknown>)[keys[i]!], held.values[i])) return false;
  return true;
}
