export const ids = new Set<string>();
