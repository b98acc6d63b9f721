import type { ModuleInstance } from './instance.js';

/**
 * A live module's top-level bindings as the code that runs now sees them. A
 * scope cannot gain bindings after it ran, so bindings a live update added or
 * declared again live on the instance's `__baton_ext` (`ext`); a binding
 * declared again also keeps its module binding, which old code (an export
 * getter, a stub compiled before) still reads, in step with it.
 */
export function readBinding(instance: ModuleInstance, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(instance.ext, name)) return instance.ext[name];
  return instance.bindings[name]?.[0]();
}

export function hasBinding(instance: ModuleInstance, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(instance.ext, name) || instance.bindings[name] !== undefined;
}

/** Writes the binding wherever it lives (both places for one declared again). */
export function writeBinding(instance: ModuleInstance, name: string, value: unknown): void {
  if (Object.prototype.hasOwnProperty.call(instance.ext, name)) instance.ext[name] = value;
  instance.bindings[name]?.[1](value);
}

/** A binding the module no longer declares: its value goes (the module scope keeps the name, holding undefined). */
export function releaseBinding(instance: ModuleInstance, name: string): void {
  delete instance.ext[name];
  instance.bindings[name]?.[1](undefined);
}

/** Every binding, module and live-added alike, as read and write accessors (walk roots, transformers). */
export function liveBindings(instance: ModuleInstance): { readonly bindings: ModuleInstance['bindings'] } {
  const bindings: Record<string, readonly [() => unknown, (value: unknown) => void]> = { ...instance.bindings };
  for (const name of Object.keys(instance.ext)) bindings[name] = [() => readBinding(instance, name), (v) => writeBinding(instance, name, v)];
  return { bindings };
}
