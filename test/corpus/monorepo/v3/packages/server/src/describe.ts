import { SERVICE } from '@corpus/common';
import { UNIT } from '@app/common/format';

export function describe(text: string): string {
  return `${SERVICE} (${UNIT}): ${text}`;
}
