export function format(label: string, value: number): string {
  return `${label}=${value}`;
}
