// A tiny server-side renderer: what the tsconfig's jsxFactory names.
type Child = string | number | null | undefined | Child[];
type Props = Record<string, unknown> | null;
export const Fragment = Symbol('Fragment');

export function h(tag: string | symbol | ((props: Props & { children: Child[] }) => string), props: Props, ...children: Child[]): string {
  if (typeof tag === 'function') return tag({ ...(props ?? {}), children });
  const inner = children.flat(Infinity as 1).filter((c) => c !== null && c !== undefined).join('');
  if (tag === Fragment) return inner;
  const attrs = Object.entries(props ?? {}).map(([k, v]) => ` ${k}="${String(v)}"`).join('');
  return `<${String(tag)}${attrs}>${inner}</${String(tag)}>`;
}
