// TypeScript with import syntax in a CommonJS package: tsx runs it as CommonJS.
import { format } from 'node:util';
import { BANG } from '@lib/punct';

const TIMES = 2;

export function shout(word: string): string {
  return format(`%s${BANG}`, repeat(word.toUpperCase(), TIMES));
}

function repeat(word: string, times: number): string {
  return Array.from({ length: times }, () => word).join(' ');
}
