// The kinds of value a key can hold, and the WRONGTYPE check between them.

import { ReplyError } from './resp.js';

export type StringValue = { kind: 'string'; data: string };
export type ListValue = { kind: 'list'; items: string[] };
export type HashValue = { kind: 'hash'; fields: Map<string, string> };
export type Value = StringValue | ListValue | HashValue;

/** Also the name TYPE replies with. */
export type Kind = Value['kind'];
export type ValueOf<K extends Kind> = Extract<Value, { kind: K }>;

/** `value` as a `kind`, or the WRONGTYPE error a command on another kind answers. */
export function expectKind<K extends Kind>(value: Value, kind: K): ValueOf<K> {
  if (value.kind !== kind) throw new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value');
  return value as ValueOf<K>;
}
