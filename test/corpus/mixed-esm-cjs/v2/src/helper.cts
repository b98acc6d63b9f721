export function helper(title: string): string {
  return `helper(${title})`;
}
