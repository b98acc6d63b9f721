export const feature = 'default feature';
