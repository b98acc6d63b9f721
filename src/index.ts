// The public API a program (or its transformer file) imports from 'baton-dsu'.
export { defineUpdate, UPDATE_FILE } from './program/state/update-spec.js';
export type { UpdateSpec, BindingTransformer, ClassTransformer, ProgramState } from './program/state/update-spec.js';
export type { Hot } from './hot-types.js';
export { ready } from './program/handoff/ready-call.js';
