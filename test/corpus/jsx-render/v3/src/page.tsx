import { h, Fragment } from './h.js';
import { Badge } from './badge.jsx';

const LABEL = 'v3';

function Item(props: { text: string }): string {
  return <li data-kind="item">{props.text}</li>;
}

export function Page(props: { title: string; items: string[] }): string {
  return (
    <>
      <h2 class="title">{props.title.toUpperCase()}</h2>
      <ol>{props.items.map((i) => <Item text={i} />)}</ol>
      <Badge label={LABEL} />
    </>
  );
}
