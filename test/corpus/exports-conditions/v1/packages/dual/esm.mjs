export const kind = 'import condition';
