export const UNIT = 'pcs';

export function format(label: string, value: number): string {
  return `${label} -> ${withUnit(value)}`;
}

export function withUnit(value: number): string {
  return `${value.toFixed(1)} ${UNIT}`;
}
