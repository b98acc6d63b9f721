import * as acorn from 'acorn';
import { transform } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UPDATE_FILE, type UpdateSpec } from '../program/state/update-spec.js';

/**
 * The modules whose state an update transforms: the keys of its `bindings`
 * and `classes` sections. Those modules reload (their transformers were
 * written for a new instance); every other structural change is made on the
 * live module. `run` and `reinit` entries do not count: they ask for things
 * the live model does.
 */
export function transformedModules(spec: Omit<UpdateSpec, 'reverse'> | undefined): Set<string> {
  return new Set([...Object.keys(spec?.bindings ?? {}), ...Object.keys(spec?.classes ?? {})]);
}

/**
 * The same set read from a version directory's update file without running
 * it (`baton diff`, and `baton update` before the new version is linked): the
 * object literal given to `defineUpdate` (or default-exported). A file of
 * another shape counts every module it names, as the safe reading. Async:
 * inside the program, esbuild's synchronous API starts a new esbuild process
 * for each call, which blocked the event loop for 150 ms at the start of
 * every update that has an update file.
 */
export async function transformedModulesInFile(root: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(join(root, UPDATE_FILE), 'utf8');
  } catch {
    return new Set();
  }
  const spec = await specLiteral(text);
  if (spec) return new Set([...keysOf(spec, 'bindings'), ...keysOf(spec, 'classes')]);
  return new Set([...text.matchAll(/['"]([^'"\n]+\.[cm]?[jt]sx?)['"]/g)].map((m) => m[1]!));
}

async function specLiteral(text: string): Promise<acorn.ObjectExpression | undefined> {
  let ast: acorn.Program;
  try {
    const js = (await transform(text, { loader: 'ts', format: 'esm' })).code;
    ast = acorn.parse(js, { ecmaVersion: 'latest', sourceType: 'module' });
  } catch {
    return undefined;
  }
  // esbuild writes `export default e` as `var x_default = e; export { x_default as default }`.
  const vars = new Map<string, acorn.Node>();
  let exported: acorn.Node | undefined;
  for (const node of ast.body) {
    if (node.type === 'VariableDeclaration') {
      for (const d of node.declarations) if (d.id.type === 'Identifier' && d.init) vars.set(d.id.name, d.init);
    } else if (node.type === 'ExportDefaultDeclaration') {
      exported = node.declaration;
    } else if (node.type === 'ExportNamedDeclaration') {
      for (const sp of node.specifiers) {
        if (sp.exported.type === 'Identifier' && sp.exported.name === 'default' && sp.local.type === 'Identifier') exported = vars.get(sp.local.name);
      }
    }
  }
  let d = exported;
  if (d?.type === 'Identifier') d = vars.get((d as acorn.Identifier).name);
  if (d?.type === 'CallExpression' && (d as acorn.CallExpression).arguments.length === 1) d = (d as acorn.CallExpression).arguments[0]!;
  return d?.type === 'ObjectExpression' ? (d as acorn.ObjectExpression) : undefined;
}

function keysOf(spec: acorn.ObjectExpression, section: string): string[] {
  const prop = spec.properties.find((p): p is acorn.Property => p.type === 'Property' && propertyName(p) === section);
  if (!prop || prop.value.type !== 'ObjectExpression') return prop ? ['*'] : [];
  return prop.value.properties.map((p) => (p.type === 'Property' ? (propertyName(p) ?? '*') : '*'));
}

function propertyName(p: acorn.Property): string | undefined {
  if (p.computed) return undefined;
  if (p.key.type === 'Identifier') return p.key.name;
  if (p.key.type === 'Literal') return String(p.key.value);
  return undefined;
}
