import { h, Fragment } from './h.js';
import { Badge } from './badge.jsx';

export function Page(props: { title: string; items: string[] }): string {
  return (
    <>
      <h2 class="title">{props.title.toUpperCase()}</h2>
      <ol>{props.items.map((i) => <li>{i}</li>)}</ol>
      <Badge label="v2" />
    </>
  );
}
