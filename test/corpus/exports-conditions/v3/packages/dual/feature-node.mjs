export const feature = 'node feature';
