import { h, Fragment } from './h.js';
import { Badge } from './badge.jsx';

export function Page(props: { title: string; items: string[] }): string {
  return (
    <>
      <h1>{props.title}</h1>
      <ul>{props.items.map((i) => <li>{i}</li>)}</ul>
      <Badge label="v1" />
    </>
  );
}
