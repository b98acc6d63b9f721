export { format } from './format.js';
export const SERVICE = 'inventory';
