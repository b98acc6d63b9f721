import { Session } from 'node:inspector';

/**
 * Every live object whose prototype is `prototype`, wherever it is held: in
 * module state, in a closure's environment (a connection handler's captured
 * game, a timer's captured cache), in a pending promise. V8 finds them
 * (`Runtime.queryObjects`, through an in-process inspector session that is
 * open only for the call): a walk from module bindings cannot see into
 * closures, and an instance it missed would meet its transformer only after
 * the commit. Costs one pass over the heap (measured in BENCHMARKS.md); used
 * only by eager class migrations.
 */
export function instancesOf(prototype: object, keep: (o: object) => boolean = (o) => Object.getPrototypeOf(o) === prototype): object[] {
  const session = new Session();
  session.connect();
  const key = Symbol.for('baton.instances');
  const g = globalThis as unknown as Record<symbol, unknown>;
  try {
    // In-process sessions answer synchronously.
    const post = <T>(method: string, params: object): T => {
      let result: T | undefined;
      let failure: Error | null = null;
      session.post(method, params, (error, r) => {
        failure = error;
        result = r as T;
      });
      if (failure) throw failure;
      if (result === undefined) throw new Error(`baton: ${method} did not answer synchronously`);
      return result;
    };
    Object.defineProperty(g, key, { value: prototype, configurable: true });
    const group = 'baton-instances';
    const proto = post<{ result: { objectId: string } }>('Runtime.evaluate', { expression: `globalThis[Symbol.for('baton.instances')]`, objectGroup: group });
    const found = post<{ objects: { objectId: string } }>('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId, objectGroup: group });
    post('Runtime.callFunctionOn', {
      objectId: found.objects.objectId,
      functionDeclaration: `function () { Object.defineProperty(globalThis, Symbol.for('baton.instances'), { value: this, configurable: true }); }`,
      objectGroup: group,
    });
    const all = g[key] as object[];
    post('Runtime.releaseObjectGroup', { objectGroup: group });
    // V8 returns every object whose chain passes through `prototype` (subclass prototypes and their
    // instances too): by default, only those made from it directly are kept.
    return all.filter(keep);
  } finally {
    delete g[key];
    session.disconnect();
  }
}
