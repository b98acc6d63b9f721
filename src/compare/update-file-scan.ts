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

/**
 * What a version directory's update file says, read without running it (the
 * object literal given to `defineUpdate`, or default-exported): plain data,
 * so that a program can have it read on its compile thread (a cold acorn
 * and an esbuild round trip on the program's thread were part of a first
 * update's pause). Undefined: the directory has no update file.
 */
export interface UpdateFileScan {
  /** The modules the `bindings` and `classes` sections name ('*' for an entry baton cannot read). */
  readonly modules: readonly string[];
  /**
   * The `classes` section: by module, the class names it transforms ('*':
   * every class of that module); 'all' when baton cannot read the section.
   */
  readonly classes: 'all' | ReadonlyArray<readonly [string, readonly string[] | '*']>;
  /** The `reinit` section: module id -> binding names. */
  readonly reinit: ReadonlyArray<readonly [string, readonly string[]]>;
}

/** Reads `root`'s update file, if any, and scans it (scanUpdateFileText). */
export async function scanUpdateFile(root: string): Promise<UpdateFileScan | undefined> {
  const text = await readUpdateFile(root);
  return text === undefined ? undefined : scanUpdateFileText(text);
}

/** The text of `root`'s update file; undefined when it has none (or it cannot be read: the update refuses later, naming why). */
export async function readUpdateFile(root: string): Promise<string | undefined> {
  try {
    return await readFile(join(root, UPDATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The scan of an update file's text. A file of another shape than
 * `defineUpdate({...})` counts every module it names (in quotes), every class
 * of them, as the safe reading. Async: inside the program, esbuild's
 * synchronous API starts a new esbuild process for each call, which blocked
 * the event loop for 150 ms at the start of every update that has an update file.
 */
export async function scanUpdateFileText(text: string): Promise<UpdateFileScan> {
  const spec = await specLiteral(text);
  if (!spec) {
    const named = [...new Set([...text.matchAll(/['"]([^'"\n]+\.[cm]?[jt]sx?)['"]/g)].map((m) => m[1]!))];
    return { modules: named, classes: named.map((id) => [id, '*'] as const), reinit: [] };
  }
  return { modules: [...keysOf(spec, 'bindings'), ...keysOf(spec, 'classes')], classes: classesOf(spec), reinit: reinitOf(spec) };
}

/** The modules whose state an update file's sections transform (see transformedModules). */
export function transformedModulesOf(scan: UpdateFileScan | undefined): Set<string> {
  return new Set(scan?.modules ?? []);
}

/** The classes an update file's `classes` section transforms (see transformedClasses). */
export function transformedClassesOf(scan: UpdateFileScan | undefined): TransformedClasses {
  const classes = scan?.classes ?? [];
  if (classes === 'all') return { has: () => true };
  const byModule = new Map(classes.map(([id, names]) => [id, names === '*' ? '*' : new Set(names)] as const));
  return {
    has: (id, name) => {
      const names = byModule.get(id);
      return names === '*' || (names !== undefined && (names.has(name) || names.has('*')));
    },
  };
}

/** `baton diff`'s reading of a version directory: the same scan, the same rule as `baton update`. */
export async function transformedClassesInFile(root: string): Promise<TransformedClasses> {
  return transformedClassesOf(await scanUpdateFile(root));
}

function classesOf(spec: acorn.ObjectExpression): UpdateFileScan['classes'] {
  const section = spec.properties.find((p): p is acorn.Property => p.type === 'Property' && propertyName(p) === 'classes');
  if (!section) return [];
  if (section.value.type !== 'ObjectExpression') return 'all';
  const out: Array<readonly [string, readonly string[] | '*']> = [];
  for (const p of section.value.properties) {
    const id = p.type === 'Property' ? propertyName(p) : undefined;
    if (p.type !== 'Property' || id === undefined) return 'all';
    out.push([id, p.value.type === 'ObjectExpression' ? p.value.properties.map((c) => (c.type === 'Property' ? (propertyName(c) ?? '*') : '*')) : '*']);
  }
  return out;
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
  const scan = await scanUpdateFile(root);
  return new Map((scan?.reinit ?? []).map(([id, names]) => [id, new Set(names)]));
}

function reinitOf(spec: acorn.ObjectExpression): UpdateFileScan['reinit'] {
  const prop = spec.properties.find((p): p is acorn.Property => p.type === 'Property' && propertyName(p) === 'reinit');
  if (!prop || prop.value.type !== 'ObjectExpression') return [];
  const out: Array<readonly [string, readonly string[]]> = [];
  for (const m of prop.value.properties) {
    if (m.type !== 'Property' || m.value.type !== 'ArrayExpression') continue;
    const id = propertyName(m);
    if (id === undefined) continue;
    out.push([id, m.value.elements.flatMap((e) => (e?.type === 'Literal' && typeof e.value === 'string' ? [e.value] : []))]);
  }
  return out;
}
