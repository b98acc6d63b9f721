import { SERVICE } from '@corpus/common';

export function describe(text: string): string {
  return `${SERVICE}: ${text}`;
}
