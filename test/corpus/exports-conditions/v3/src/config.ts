export const config = { name: 'conditions' };
