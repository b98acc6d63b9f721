import * as acorn from 'acorn';
import { transform } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UPDATE_FILE, type UpdateSpec } from '../program/state/update-spec.js';

/**
 * The modules whose state an update transforms: the keys of its `bindings`
 * and `classes` sections. The frames gate waits for their suspended frames.
 * `run` and `reinit` entries do not count: they change no state's shape.
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

/**
 * The classes an update's `classes` section transforms, by module. Such a
 * class is declared again on the live module and its instances migrated
 * (class-migration.ts), even when only its methods changed: its field layout
 * is its declaration's. One answer for `baton diff` and `baton update`.
 */
export interface TransformedClasses {
  has(moduleId: string, className: string): boolean;
}

export function transformedClasses(spec: Omit<UpdateSpec, 'reverse'> | undefined): TransformedClasses {
  const classes = spec?.classes ?? {};
  return { has: (id, name) => Object.prototype.hasOwnProperty.call(classes[id] ?? {}, name) };
}

/** The same read from a version directory's update file without running it; a section baton cannot read counts every class of the modules it names. */
export async function transformedClassesInFile(root: string): Promise<TransformedClasses> {
  let text: string;
  try {
    text = await readFile(join(root, UPDATE_FILE), 'utf8');
  } catch {
    return { has: () => false };
  }
  const spec = await specLiteral(text);
  if (!spec) {
    const named = new Set([...text.matchAll(/['"]([^'"\n]+\.[cm]?[jt]sx?)['"]/g)].map((m) => m[1]!));
    return { has: (id) => named.has(id) };
  }
  const section = spec.properties.find((p): p is acorn.Property => p.type === 'Property' && propertyName(p) === 'classes');
  if (!section) return { has: () => false };
  if (section.value.type !== 'ObjectExpression') return { has: () => true };
  const byModule = new Map<string, Set<string> | '*'>();
  for (const p of section.value.properties) {
    const id = p.type === 'Property' ? propertyName(p) : undefined;
    if (p.type !== 'Property' || id === undefined) return { has: () => true };
    byModule.set(id, p.value.type === 'ObjectExpression' ? new Set(p.value.properties.map((c) => (c.type === 'Property' ? (propertyName(c) ?? '*') : '*'))) : '*');
  }
  return {
    has: (id, name) => {
      const names = byModule.get(id);
      return names === '*' || (names !== undefined && (names.has(name) || names.has('*')));
    },
  };
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

/**
 * The `reinit` section of a version's update file, read without running it
 * (a hand-off decides what crosses to the new process before the new version
 * runs): module id -> binding names that take their new initializer's value.
 */
export async function reinitInFile(root: string): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  let text: string;
  try {
    text = await readFile(join(root, UPDATE_FILE), 'utf8');
  } catch {
    return out;
  }
  const prop = (await specLiteral(text))?.properties.find((p): p is acorn.Property => p.type === 'Property' && propertyName(p) === 'reinit');
  if (!prop || prop.value.type !== 'ObjectExpression') return out;
  for (const m of prop.value.properties) {
    if (m.type !== 'Property' || m.value.type !== 'ArrayExpression') continue;
    const id = propertyName(m);
    if (id === undefined) continue;
    const names = m.value.elements.flatMap((e) => (e?.type === 'Literal' && typeof e.value === 'string' ? [e.value] : []));
    out.set(id, new Set(names));
  }
  return out;
}
