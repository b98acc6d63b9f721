const PREFIX = 'helper v3';

export function helper(title: string): string {
  return `${PREFIX}(${quote(title)})`;
}

function quote(text: string): string {
  return `"${text}"`;
}
