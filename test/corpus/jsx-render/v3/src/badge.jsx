/** @jsx h */
import { h } from './h.js';

export function Badge({ label }) {
  return <span class="badge">{label}</span>;
}
