import { PATTERN } from './pattern';

export function describe(ids: string[]): string {
  return `every id is a v4 uuid: ${ids.every((id) => PATTERN.test(id))} (pattern of ${PATTERN.source.length})`;
}
