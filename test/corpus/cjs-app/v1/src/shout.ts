// TypeScript with import syntax in a CommonJS package: tsx runs it as CommonJS.
import { format } from 'node:util';
import { BANG } from '@lib/punct';
export function shout(word: string): string {
  return format(`%s${BANG}`, word.toUpperCase());
}
