import type { ClassTransformer } from '../state/update-spec.js';

type Ctor = abstract new (...args: never[]) => object;

/**
 * The migration that replaced each class prototype. An instance a lazy
 * migration brings to version N while a later update has already replaced
 * version N goes on to the newest shape through every transformer in turn.
 */
const successors = new WeakMap<object, ClassMigration>();

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
  /** Eager: the instances and their new fields, computed at commit from the values they hold then. */
  private readonly pending: Array<[object, object]> = [];
  /** Lazy: one old instance, to check lazy safety and to learn which fields are new. */
  sample: object | undefined;
  private sweeping = false;
  migrated = 0;

  constructor(
    readonly moduleId: string,
    readonly name: string,
    readonly oldClass: Ctor,
    readonly newClass: Ctor,
    readonly transformer: ClassTransformer | undefined,
    /** Effective mode after the safety check (lazy may fall back to eager). */
    public mode: 'methods' | 'eager' | 'lazy',
  ) {}

  /** A direct instance of the old class. */
  isOldInstance(value: object): boolean {
    return Object.getPrototypeOf(value) === this.oldClass.prototype;
  }

  /**
   * An instance an earlier lazy migration has not reached yet, whose chain of
   * transformers leads to this migration's old class: it must go through
   * them before this one.
   */
  isStraggler(value: object): boolean {
    const oldProto = this.oldClass.prototype as object;
    let proto = Object.getPrototypeOf(value) as object | null;
    for (let step = successors.get(proto!); proto !== null && step?.transformer; step = successors.get(proto!)) {
      proto = step.newClass.prototype as object;
      if (proto === oldProto) return true;
    }
    return false;
  }

  /** Before commit: run the transformer on an instance and discard the result (throws if the transformer does). */
  check(instance: object): void {
    if (this.transformer && this.isOldInstance(instance)) this.fieldsOf(instance);
  }

  /** At commit, before collecting: earlier lazy migrations catch up on a straggler (this one is not chained yet). */
  catchUp(instance: object): void {
    successors.get(Object.getPrototypeOf(instance) as object)?.migrate(instance);
  }

  /**
   * At commit, before anything is applied: the new fields of an instance as
   * it is now (values computed earlier could be stale by the time of commit).
   */
  collect(instance: object): void {
    if (this.transformer) this.pending.push([instance, this.fieldsOf(instance)]);
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

  /** At commit: cannot fail (transformers already ran for eager; lazy traps only install). */
  commit(): void {
    const oldProto = this.oldClass.prototype as Record<PropertyKey, unknown>;
    const newProto = this.newClass.prototype as object;
    // Only a migration with a transformer has anything to pass on to; a
    // methods-only one would just keep the classes alive.
    if (this.transformer) successors.set(oldProto, this);
    // `constructor` goes too: an old instance's constructor is the class as the
    // program now names it, and the old class (and its module) can be collected.
    for (const key of Reflect.ownKeys(oldProto)) delete oldProto[key];
    const key = `${this.moduleId}#${this.name}`;
    const lineage = lineages.get(key) ?? new Set<WeakRef<object>>();
    lineages.set(key, lineage);
    lineage.add(new WeakRef(oldProto));
    for (const ref of lineage) {
      const proto = ref.deref();
      if (proto === undefined) lineage.delete(ref);
      else Object.setPrototypeOf(proto, newProto);
    }
    for (const [instance, fields] of this.pending) this.apply(instance, fields);
    this.pending.length = 0;
    if (this.mode === 'lazy') {
      this.installTraps(oldProto, newProto);
      if (this.sample) this.addFieldTraps(this.sample);
    }
  }

  /** The lazy sweep's visitor: migrates an old instance it meets. */
  visit(value: object): void {
    if (this.mode !== 'lazy') return;
    if (this.isOldInstance(value)) this.migrate(value);
    // Left behind by an earlier lazy migration: its chain now runs through this one.
    else if (this.isStraggler(value)) this.catchUp(value);
  }

  set sweepRunning(value: boolean) {
    this.sweeping = value;
  }

  get sweepRunning(): boolean {
    return this.sweeping;
  }

  private installTraps(oldProto: object, newProto: object): void {
    const names = new Set<PropertyKey>();
    for (let p: object | null = newProto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
      for (const key of Reflect.ownKeys(p)) if (key !== 'constructor') names.add(key);
    }
    const migration = this;
    for (const name of names) {
      Object.defineProperty(oldProto, name, {
        configurable: true,
        get(this: object) {
          if (Object.getPrototypeOf(this) === oldProto) migration.migrate(this);
          return Reflect.get(newProto, name, this);
        },
        set(this: object, value: unknown) {
          if (Object.getPrototypeOf(this) === oldProto) migration.migrate(this);
          (this as Record<PropertyKey, unknown>)[name] = value;
        },
      });
    }
  }

  /** Lazy: transformer fields on first access. Fields an old object lacks are trapped too. */
  private addFieldTraps(sample: object): void {
    if (!this.transformer) return;
    const oldProto = this.oldClass.prototype as object;
    const migration = this;
    for (const key of Object.keys(this.fieldsOf(sample))) {
      if (Object.prototype.hasOwnProperty.call(sample, key) || Object.prototype.hasOwnProperty.call(oldProto, key)) continue;
      Object.defineProperty(oldProto, key, {
        configurable: true,
        get(this: object) {
          if (Object.getPrototypeOf(this) !== oldProto) return undefined;
          migration.migrate(this);
          return (this as Record<string, unknown>)[key];
        },
        set(this: object, value: unknown) {
          if (Object.getPrototypeOf(this) === oldProto) migration.migrate(this);
          Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
        },
      });
    }
  }

  migrate(instance: object): void {
    this.apply(instance, this.fieldsOf(instance));
  }

  private fieldsOf(instance: object): object {
    const fields = this.transformer!.fields(instance);
    if (typeof fields !== 'object' || fields === null) {
      throw new TypeError(`the transformer of class ${this.name} in ${this.moduleId} returned ${fields === null ? 'null' : typeof fields}, not an object of fields`);
    }
    return fields;
  }

  private apply(instance: object, fields: object): void {
    const target = instance as Record<string, unknown>;
    // Leave the old prototype first: its traps would otherwise catch these writes.
    Object.setPrototypeOf(instance, this.newClass.prototype);
    for (const key of Object.keys(target)) if (!(key in fields)) delete target[key];
    Object.assign(target, fields);
    this.migrated++;
    const next = successors.get(this.newClass.prototype);
    if (next?.transformer) next.migrate(instance);
  }
}
