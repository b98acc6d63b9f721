import ts from 'typescript';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { BatonError } from '../protocol/errors.js';
import { PACKAGE_NAME, UPDATE_FILE } from '../program/state/update-spec.js';
import { Converter, type Prop } from './convert.js';
import type { PlanContext, NeededTransformer } from './plan-update.js';
import { printType, propertyKey, type TypeSide } from './print-type.js';
import { readUpdateFile } from './update-file.js';

export interface StubResult {
  readonly file: string;
  /** The file's new text (equal to the old one when nothing was missing). */
  readonly text: string;
  /** Transformers added to the file. */
  readonly added: readonly NeededTransformer[];
  /** Leaf conversions left to write (functions that throw TODO). */
  readonly todos: number;
  readonly notes: readonly string[];
}

/**
 * Writes one typed stub per missing transformer into the new version's
 * `baton.update.ts`, creating the file or adding entries to the one there.
 */
export async function writeStubs(ctx: PlanContext): Promise<StubResult> {
  const result = await renderStubs(ctx);
  if (result.added.length) await writeFile(result.file, result.text);
  return result;
}

export async function renderStubs(ctx: PlanContext): Promise<StubResult> {
  const file = join(ctx.after.root, UPDATE_FILE);
  const existing = existsSync(file) ? await readFile(file, 'utf8') : undefined;
  const missing = ctx.plan.transformers.filter((t) => !t.provided);
  const namespaces = new Map<string, string>();
  const side = (version: PlanContext['before'], prefix: 'Old' | 'New'): TypeSide => ({
    program: version.program,
    checker: version.checker,
    root: version.root,
    namespaceOf: (id) => {
      const ns = `${prefix}_${id.replace(/\.[cm]?tsx?$/, '').replace(/[^A-Za-z0-9_$]/g, '_')}`;
      const target = prefix === 'Old' ? relative(ctx.after.root, join(version.root, id)) : `./${id}`;
      namespaces.set(ns, `import type * as ${ns} from '${jsPath(target)}';`);
      return ns;
    },
  });
  const converter = new Converter(side(ctx.before, 'Old'), side(ctx.after, 'New'));
  for (const name of existing?.matchAll(/function\s+([\w$]+)/g) ?? []) converter.reserve(name[1]!);
  const entries = missing.map((t) => ({ t, text: t.section === 'bindings' ? bindingStub(ctx, converter, t) : classStub(ctx, converter, t) }));
  const text = existing === undefined ? freshFile(ctx, entries, converter, namespaces) : extendFile(file, existing, entries, converter, namespaces);
  return { file, text, added: missing, todos: converter.todos, notes: converter.notes };
}

type Entry = { t: NeededTransformer; text: string };

function bindingStub(ctx: PlanContext, conv: Converter, t: NeededTransformer): string {
  const before = ctx.oldShapes.get(t.module)?.bindings.get(t.name);
  const after = ctx.newShapes.get(t.module)?.bindings.get(t.name);
  if (!before || !after) throw new BatonError('E_INTERNAL', `no binding ${t.module}:${t.name}`);
  const body = conv.value('old', before.type, after.type, t.name);
  const signature = `(old: ${printType(conv.before, before.type)}): ${printType(conv.after, after.type)}`;
  return `// ${t.reason}\n${propertyKey(t.name)}: ${signature} =>\n  ${body.replace(/\n/g, '\n  ')},`;
}

function classStub(ctx: PlanContext, conv: Converter, t: NeededTransformer): string {
  const before = ctx.oldShapes.get(t.module)?.classes.get(t.name);
  const after = ctx.newShapes.get(t.module)?.classes.get(t.name);
  if (!before || !after) throw new BatonError('E_INTERNAL', `no class ${t.module}:${t.name}`);
  const toProp = (checker: ts.TypeChecker) => (f: (typeof before.fields)[number]): Prop => ({
    name: f.name,
    optional: f.optional,
    hidden: f.hidden,
    type: f.optional ? checker.getNonNullableType(f.type) : f.type,
  });
  const oldFields = before.fields.map(toProp(ctx.before.checker));
  const newFields = after.fields.map(toProp(ctx.after.checker));
  const body = conv.object('old', oldFields, newFields, t.name, before.instanceType);
  const fieldsType = `{ ${newFields.map((f) => `${propertyKey(f.name)}${f.optional ? '?' : ''}: ${printType(conv.after, f.type)}`).join('; ')} }`;
  return [
    `// ${t.reason}`,
    `${propertyKey(t.name)}: {`,
    `  // eager: every instance during the update's pause; 'lazy': on first access.`,
    `  mode: 'eager',`,
    `  fields: (old: ${printType(conv.before, before.instanceType)}): ${fieldsType} =>`,
    `    ${body.replace(/\n/g, '\n    ')},`,
    `},`,
  ].join('\n');
}

function freshFile(ctx: PlanContext, entries: Entry[], conv: Converter, namespaces: Map<string, string>): string {
  const sections: string[] = [];
  for (const section of ['bindings', 'classes'] as const) {
    const modules = [...new Set(entries.filter((e) => e.t.section === section).map((e) => e.t.module))];
    if (!modules.length) continue;
    const inner = modules.map((m) => `${quote(m)}: {\n${indent(entries.filter((e) => e.t.section === section && e.t.module === m).map((e) => e.text).join('\n'), 2)}\n},`);
    sections.push(`${section}: {\n${indent(inner.join('\n'), 2)}\n},`);
  }
  return [
    `// Transformers for the update ${relative(ctx.after.root, ctx.before.root) || '.'} -> ., generated by \`baton diff --stubs\`.`,
    `// Write the functions that throw TODO, keep this file with the new version, then run \`baton check\`.`,
    ...notesComment(conv.notes),
    `import { defineUpdate } from '${PACKAGE_NAME}';`,
    ...[...namespaces.values()].sort(),
    ``,
    `export default defineUpdate({`,
    indent(sections.join('\n'), 2),
    `});`,
    ...conv.functions.map((f) => `\n${f}`),
    ``,
  ].join('\n');
}

/** Adds entries to an existing transformer file without touching what the developer wrote. */
function extendFile(file: string, text: string, entries: Entry[], conv: Converter, namespaces: Map<string, string>): string {
  if (!entries.length) return text;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const { layout } = readUpdateFile(sf);
  if (!layout.spec) throw new BatonError('E_USAGE', `${file} has no \`export default defineUpdate({ ... })\``, 'Add one, or move the file away and run `baton diff --stubs` again.');
  const inserts: Array<[number, string]> = [];
  const afterBrace = (obj: ts.ObjectLiteralExpression) => obj.getStart(sf) + 1;
  for (const section of ['bindings', 'classes'] as const) {
    const mine = entries.filter((e) => e.t.section === section);
    if (!mine.length) continue;
    const sectionObj = layout.sections.get(section);
    const newModules: string[] = [];
    for (const m of new Set(mine.map((e) => e.t.module))) {
      const stubs = mine.filter((e) => e.t.module === m).map((e) => e.text).join('\n');
      const moduleObj = layout.modules.get(`${section}\0${m}`);
      if (moduleObj) inserts.push([afterBrace(moduleObj), `\n${indent(stubs, 6)}`]);
      else newModules.push(`${quote(m)}: {\n${indent(stubs, 2)}\n},`);
    }
    if (!newModules.length) continue;
    if (sectionObj) inserts.push([afterBrace(sectionObj), `\n${indent(newModules.join('\n'), 4)}`]);
    else inserts.push([afterBrace(layout.spec), `\n${indent(`${section}: {\n${indent(newModules.join('\n'), 2)}\n},`, 2)}`]);
  }
  const imports = [...namespaces].filter(([ns]) => !new RegExp(`\\bas\\s+${ns}\\b`).test(text)).map(([, line]) => line);
  const lastImport = sf.statements.filter(ts.isImportDeclaration).at(-1);
  if (imports.length) inserts.push([lastImport ? lastImport.end : 0, `${lastImport ? '\n' : ''}${imports.join('\n')}${lastImport ? '' : '\n'}`]);
  inserts.sort((a, b) => b[0] - a[0]);
  let out = text;
  for (const [at, insert] of inserts) out = out.slice(0, at) + insert + out.slice(at);
  const added = conv.functions.map((f) => `\n${f}\n`).join('');
  return out.endsWith('\n') ? out + added : `${out}\n${added}`;
}

function notesComment(notes: readonly string[]): string[] {
  if (!notes.length) return [];
  return ['// Filled in without asking (check them):', ...[...new Set(notes)].map((n) => `//   - ${n}`)];
}

/** A module id as an object key, in the single quotes the rest of the file uses. */
function quote(id: string): string {
  return `'${id.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text.split('\n').map((l) => (l ? pad + l : l)).join('\n');
}

/** The specifier a `.ts` module is imported by under NodeNext: `store.ts` -> `store.js`. */
function jsPath(path: string): string {
  const posix = path.split(sep).join('/');
  const rel = posix.startsWith('.') ? posix : `./${posix}`;
  return rel.replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs').replace(/\.tsx$/, '.js');
}
