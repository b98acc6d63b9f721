import { EventEmitter } from 'node:events';

/**
 * Whether a top-level binding's old value is state to carry into the new
 * version, or something the new version must make for itself. Returns why
 * not, or undefined to carry.
 *
 * Code is never carried: a function, or a table of functions (a command map,
 * a route table), would keep the old version's behaviour alive. Neither are
 * handles (timers, servers, sockets, emitters): the new instance made its own
 * when its top level ran, and its dispose hook must find that one, not the
 * old one that the old dispose hook already released.
 */
export function reasonNotToCarry(value: unknown): string | undefined {
  if (typeof value === 'function') return 'code';
  if (typeof value !== 'object' || value === null) return undefined;
  if (value instanceof EventEmitter || typeof (value as { unref?: unknown }).unref === 'function') return 'a handle (timer, server, socket or emitter)';
  if (holdsFunctions(value)) return 'a table of functions';
  return undefined;
}

const SAMPLE = 32;

/** A container whose first entries are functions, or records of functions (`{ handler, arity }`). */
function holdsFunctions(value: object, depth = 0): boolean {
  let seen = 0;
  const values: Iterable<unknown> =
    value instanceof Map ? value.values() : value instanceof Set ? value.values() : Array.isArray(value) ? value : Object.getPrototypeOf(value) === Object.prototype ? Object.values(value) : [];
  for (const v of values) {
    if (typeof v === 'function') return true;
    if (depth === 0 && typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype && holdsFunctions(v, 1)) return true;
    if (++seen >= SAMPLE) break;
  }
  return false;
}
