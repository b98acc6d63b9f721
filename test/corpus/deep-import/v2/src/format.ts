export function describe(ids: string[]): string {
  return `every id is a v4 uuid: ${ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/.test(id))}`;
}
