import ts from 'typescript';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { BatonError } from '../protocol/errors.js';
import { PACKAGE_NAME, UPDATE_FILE } from '../program/state/update-spec.js';
import { Converter, type Prop } from './convert.js';
import { ExternalTypes } from './external-types.js';
import type { PlanContext, NeededTransformer } from './plan-update.js';
import { printType, propertyKey, type TypeSide } from './print-type.js';
import { readUpdateFile } from './update-file.js';

export interface StubResult {
  readonly file: string;
  /** The file's new text (equal to the old one when nothing was missing). */
  readonly text: string;
  /** Transformers added to the file. */
  readonly added: readonly NeededTransformer[];
  /** Reverse transformers (for `baton rollback`) added beside them. */
  readonly reverse: number;
  /** Leaf conversions left to write (functions that throw TODO). */
  readonly todos: number;
  readonly notes: readonly string[];
}

/**
 * Writes one typed stub per missing transformer, and its reverse for
 * rollback, into the new version's `baton.update.ts`, creating the file or
 * adding entries to the one there. The file is replaced atomically: a write
 * that fails (a full disk) leaves the developer's file as it was.
 */
export async function writeStubs(ctx: PlanContext): Promise<StubResult> {
  const result = await renderStubs(ctx);
  if (result.added.length) await writeAtomically(result.file, result.text);
  return result;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${UPDATE_FILE}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new BatonError('E_WRITE', `could not write ${file} (${reason}); it was left as it was`, `Free some space or fix the permissions of ${dirname(file)}, then run \`baton diff --stubs\` again.`);
  }
}

export async function renderStubs(ctx: PlanContext): Promise<StubResult> {
  const file = join(ctx.after.root, UPDATE_FILE);
  const existing = existsSync(file) ? await readFile(file, 'utf8') : undefined;
  const missing = ctx.plan.transformers.filter((t) => !t.provided);
  const declaredReverse = existing === undefined ? [] : readUpdateFile(ts.createSourceFile(file, existing, ts.ScriptTarget.Latest, true)).transformers.filter((d) => d.reverse);
  const reverseMissing = missing.filter((t) => !declaredReverse.some((d) => d.section === t.section && d.module === t.module && d.name === t.name));
  const namespaces = new Map<string, string>();
  const packageNamespace = (specifier: string) => {
    const ns = `Ext_${specifier.replace(/^node:/, 'node_').replace(/[^A-Za-z0-9_$]/g, '_')}`;
    namespaces.set(ns, `import type * as ${ns} from '${specifier}';`);
    return ns;
  };
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
    external: new ExternalTypes(version.program, version.root),
    packageNamespace,
  });
  const oldSide = side(ctx.before, 'Old');
  const newSide = side(ctx.after, 'New');
  const forward = new Converter(oldSide, newSide);
  for (const name of existing?.matchAll(/function\s+([\w$]+)/g) ?? []) forward.reserve(name[1]!);
  const entries = missing.map((t) => ({ t, text: t.section === 'bindings' ? bindingStub(ctx, forward, t, false) : classStub(ctx, forward, t, false) }));
  // Reverse stubs take the new version's values back to the old shapes, for `baton rollback`.
  const back = new Converter(newSide, oldSide);
  back.reserveFrom(forward);
  const reverse = reverseMissing.map((t) => ({ t, text: t.section === 'bindings' ? bindingStub(ctx, back, t, true) : classStub(ctx, back, t, true) }));
  const text = existing === undefined ? freshFile(ctx, entries, reverse, [forward, back], namespaces) : extendFile(file, existing, entries, reverse, [forward, back], namespaces);
  return { file, text, added: missing, reverse: reverse.length, todos: forward.todos + back.todos, notes: [...forward.notes, ...back.notes.map((n) => `reverse: ${n}`)] };
}

type Entry = { t: NeededTransformer; text: string };

function bindingStub(ctx: PlanContext, conv: Converter, t: NeededTransformer, reverse: boolean): string {
  const oldShape = ctx.oldShapes.get(t.module)?.bindings.get(t.name);
  const newShape = ctx.newShapes.get(t.module)?.bindings.get(t.name);
  if (!oldShape || !newShape) throw new BatonError('E_INTERNAL', `no binding ${t.module}:${t.name}`);
  const [from, to] = reverse ? [newShape, oldShape] : [oldShape, newShape];
  const body = conv.value('old', from.type, to.type, t.name);
  const signature = `(old: ${printType(conv.before, from.type)}): ${printType(conv.after, to.type)}`;
  const reason = reverse ? `back to the old type (for rollback): ${from.typeText} -> ${to.typeText}` : t.reason;
  return `// ${reason}\n${propertyKey(t.name)}: ${signature} =>\n  ${body.replace(/\n/g, '\n  ')},`;
}

function classStub(ctx: PlanContext, conv: Converter, t: NeededTransformer, reverse: boolean): string {
  const oldShape = ctx.oldShapes.get(t.module)?.classes.get(t.name);
  const newShape = ctx.newShapes.get(t.module)?.classes.get(t.name);
  if (!oldShape || !newShape) throw new BatonError('E_INTERNAL', `no class ${t.module}:${t.name}`);
  const [from, to] = reverse ? [newShape, oldShape] : [oldShape, newShape];
  const toProp = (checker: ts.TypeChecker) => (f: (typeof from.fields)[number]): Prop => ({
    name: f.name,
    optional: f.optional,
    hidden: f.hidden,
    type: f.optional ? checker.getNonNullableType(f.type) : f.type,
  });
  // `#private` fields cannot be read or written from outside the class: they are left to the developer.
  const isPrivate = (p: Prop) => p.name.startsWith('#');
  const oldFields = from.fields.map(toProp(conv.before.checker));
  const newFields = to.fields.map(toProp(conv.after.checker));
  const privates = newFields.filter(isPrivate);
  const plain = conv.object('old', oldFields.filter((p) => !isPrivate(p)), newFields.filter((p) => !isPrivate(p)), t.name, from.instanceType);
  const body = privates.length ? `({ ...${conv.privateLeaf(from.instanceType, t.name, privates.map((p) => p.name))}, ...${plain} })` : plain;
  const fieldsType = `{ ${newFields.filter((p) => !isPrivate(p)).map((f) => `${propertyKey(f.name)}${f.optional ? '?' : ''}: ${printType(conv.after, f.type)}`).join('; ')} }`;
  return [
    `// ${reverse ? 'back to the old fields (for rollback)' : t.reason}`,
    `${propertyKey(t.name)}: {`,
    `  // eager: every instance during the update's pause; 'lazy': on first access.`,
    `  mode: 'eager',`,
    `  fields: (old: ${printType(conv.before, from.instanceType)}): ${fieldsType} =>`,
    `    ${body.replace(/\n/g, '\n    ')},`,
    `},`,
  ].join('\n');
}

function sectionsText(entries: Entry[]): string[] {
  const sections: string[] = [];
  for (const section of ['bindings', 'classes'] as const) {
    const modules = [...new Set(entries.filter((e) => e.t.section === section).map((e) => e.t.module))];
    if (!modules.length) continue;
    const inner = modules.map((m) => `${quote(m)}: {\n${indent(entries.filter((e) => e.t.section === section && e.t.module === m).map((e) => e.text).join('\n'), 2)}\n},`);
    sections.push(`${section}: {\n${indent(inner.join('\n'), 2)}\n},`);
  }
  return sections;
}

function freshFile(ctx: PlanContext, entries: Entry[], reverse: Entry[], convs: Converter[], namespaces: Map<string, string>): string {
  const sections = sectionsText(entries);
  if (reverse.length) sections.push(`// Used by \`baton rollback\` to take this version's state back to the old one.\nreverse: {\n${indent(sectionsText(reverse).join('\n'), 2)}\n},`);
  return [
    `// Transformers for the update ${relative(ctx.after.root, ctx.before.root) || '.'} -> ., generated by \`baton diff --stubs\`.`,
    `// Write the functions that throw TODO, keep this file with the new version, then run \`baton check\`.`,
    ...notesComment(convs.flatMap((c) => c.notes)),
    `import { defineUpdate } from '${PACKAGE_NAME}';`,
    ...[...namespaces.values()].sort(),
    ``,
    `export default defineUpdate({`,
    indent(sections.join('\n'), 2),
    `});`,
    ...convs.flatMap((c) => c.functions).map((f) => `\n${f}`),
    ``,
  ].join('\n');
}

/** Adds entries to an existing transformer file without touching what the developer wrote. */
function extendFile(file: string, text: string, entries: Entry[], reverse: Entry[], convs: Converter[], namespaces: Map<string, string>): string {
  if (!entries.length && !reverse.length) return text;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const { layout } = readUpdateFile(sf);
  if (!layout.spec) throw new BatonError('E_USAGE', `${file} has no \`export default defineUpdate({ ... })\``, 'Add one, or move the file away and run `baton diff --stubs` again.');
  const inserts: Array<[number, string]> = [];
  const afterBrace = (obj: ts.ObjectLiteralExpression) => obj.getStart(sf) + 1;
  const place = (
    mine: Entry[],
    spec: ts.ObjectLiteralExpression,
    sections: ReadonlyMap<'bindings' | 'classes', ts.ObjectLiteralExpression>,
    modules: ReadonlyMap<string, ts.ObjectLiteralExpression>,
  ) => {
    for (const section of ['bindings', 'classes'] as const) {
      const here = mine.filter((e) => e.t.section === section);
      if (!here.length) continue;
      const newModules: string[] = [];
      for (const m of new Set(here.map((e) => e.t.module))) {
        const stubs = here.filter((e) => e.t.module === m).map((e) => e.text).join('\n');
        const moduleObj = modules.get(`${section}\0${m}`);
        if (moduleObj) inserts.push([afterBrace(moduleObj), `\n${indent(stubs, 6)}`]);
        else newModules.push(`${quote(m)}: {\n${indent(stubs, 2)}\n},`);
      }
      if (!newModules.length) continue;
      const sectionObj = sections.get(section);
      if (sectionObj) inserts.push([afterBrace(sectionObj), `\n${indent(newModules.join('\n'), 4)}`]);
      else inserts.push([afterBrace(spec), `\n${indent(`${section}: {\n${indent(newModules.join('\n'), 2)}\n},`, 2)}`]);
    }
  };
  place(entries, layout.spec, layout.sections, layout.modules);
  if (reverse.length) {
    if (layout.reverse) place(reverse, layout.reverse, layout.reverseSections, layout.reverseModules);
    else inserts.push([afterBrace(layout.spec), `\n${indent(`reverse: {\n${indent(sectionsText(reverse).join('\n'), 2)}\n},`, 2)}`]);
  }
  const imports = [...namespaces].filter(([ns]) => !new RegExp(`\\bas\\s+${ns.replace(/\$/g, '\\$')}\\b`).test(text)).map(([, line]) => line);
  const lastImport = sf.statements.filter(ts.isImportDeclaration).at(-1);
  if (imports.length) inserts.push([lastImport ? lastImport.end : 0, `${lastImport ? '\n' : ''}${imports.join('\n')}${lastImport ? '' : '\n'}`]);
  inserts.sort((a, b) => b[0] - a[0]);
  let out = text;
  for (const [at, insert] of inserts) out = out.slice(0, at) + insert + out.slice(at);
  const added = convs.flatMap((c) => c.functions).map((f) => `\n${f}\n`).join('');
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
