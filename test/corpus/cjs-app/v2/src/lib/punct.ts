export const BANG = '!';
