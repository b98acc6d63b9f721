import ts from 'typescript';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UPDATE_FILE } from '../program/state/update-spec.js';
import type { ModuleChange } from '../compare/compare-module.js';
import { planDirectories } from '../compare/plan-directories.js';
import { locationDerived } from '../compare/module-location.js';
import { affectedFiles } from './affected.js';
import { compareShapes, type BindingDiff, type ClassDiff } from './compare-shapes.js';
import { assertVersionDir, loadVersion, type SourceFileCache, type VersionProgram } from './load-program.js';
import { moduleShape, type ModuleShape } from './module-shape.js';
import { findRisks, type Risk } from './risks.js';
import { planDependencies } from './package-imports.js';
import type { DependencyChange } from '../compare/dependencies.js';
import { readUpdateFile, type DeclaredTransformer } from './update-file.js';

/** One module in the plan: the mechanism (from the compiled code) and its state (from the types). */
export type ModulePlan = ModuleChange & {
  readonly bindings: readonly BindingDiff[];
  readonly classes: readonly ClassDiff[];
};

/** A transformer the update needs, and whether the new version's transformer file has it. */
export interface NeededTransformer {
  readonly section: 'bindings' | 'classes';
  readonly module: string;
  readonly name: string;
  /** Line of the binding or class in the new version's module. */
  readonly line: number;
  readonly reason: string;
  readonly provided: boolean;
}

/** What `baton diff` reports: everything an update will do, from the two version trees alone. */
export interface UpdatePlan {
  readonly oldRoot: string;
  readonly newRoot: string;
  readonly modules: readonly ModulePlan[];
  readonly transformers: readonly NeededTransformer[];
  /** Transformers the file declares for something that did not change (or does not exist). */
  readonly unneeded: readonly { readonly section: 'bindings' | 'classes'; readonly module: string; readonly name: string; readonly line: number }[];
  readonly risks: readonly Risk[];
  /** Packages that resolve to another version: \`baton update\` refuses them unless --allow-dependency-change. */
  readonly dependencies: readonly DependencyChange[];
  /** Per module, the top-level bindings computed from where it lives, which the update computes again for the new directory. */
  readonly relocated: ReadonlyArray<{ readonly module: string; readonly names: readonly string[] }>;
  /**
   * Comparing compiled modules and building the two programs run
   * concurrently; types (shapes, fingerprints, transformers, risks) after both.
   */
  readonly timings: { readonly modulesMs: number; readonly programsMs: number; readonly typesMs: number; readonly totalMs: number };
}

/** The plan with what it was computed from, for stubs and the checker. */
export interface PlanContext {
  readonly plan: UpdatePlan;
  readonly before: VersionProgram;
  readonly after: VersionProgram;
  readonly oldShapes: ReadonlyMap<string, ModuleShape>;
  readonly newShapes: ReadonlyMap<string, ModuleShape>;
  /** The transformer file's declarations, forward only, if the file exists. */
  readonly declared: readonly DeclaredTransformer[];
  readonly updateFile: ts.SourceFile | undefined;
  /** The new version's files whose types may have changed (all when undefined); see affected.ts. */
  readonly affected: ReadonlySet<string> | undefined;
}

export async function planUpdate(oldDir: string, newDir: string): Promise<UpdatePlan> {
  return (await planWithTypes(oldDir, newDir)).plan;
}

export async function planWithTypes(oldDir: string, newDir: string, cache: SourceFileCache = new Map()): Promise<PlanContext> {
  assertVersionDir(oldDir);
  assertVersionDir(newDir);
  const t0 = performance.now();
  // The mechanism per module comes from the same comparison `baton update` makes.
  const timed = async <T>(p: Promise<T>): Promise<[T, number]> => [await p, performance.now() - t0];
  const [[changes, modulesMs], [[before, after], programsMs]] = await Promise.all([
    timed(planDirectories(oldDir, newDir)),
    timed(Promise.all([loadVersion(oldDir, { cache }), loadVersion(newDir, { cache })])),
  ]);
  const t1 = performance.now();
  const oldShapes = new Map<string, ModuleShape>();
  const newShapes = new Map<string, ModuleShape>();
  // A module that neither changed nor imports one that did holds what it held: its
  // shapes (the bulk of the type work in a large program) are not computed.
  const affected = affectedFiles(before, after);
  const unchanged = new Set(changes.filter((c) => c.kind === 'unchanged').map((c) => c.id));
  const skip = (id: string) => !!affected && unchanged.has(id) && after.modules.has(id) && !affected.has(after.modules.get(id)!.fileName);
  for (const [id, sf] of before.modules) if (!skip(id)) oldShapes.set(id, moduleShape(before.program, sf));
  for (const [id, sf] of after.modules) if (!skip(id)) newShapes.set(id, moduleShape(after.program, sf));
  const modules: ModulePlan[] = changes.map((change) => {
    const functions = change.kind === 'patch' || change.kind === 'blocked' || change.kind === 'live' ? change.functions : [];
    if (skip(change.id)) return { ...change, bindings: [], classes: [] };
    return { ...change, ...compareShapes(oldShapes.get(change.id), newShapes.get(change.id), functions, change.kind === 'live' ? change.plan.recomputed : [], change.kind === 'blocked' || change.kind === 'live') };
  });
  const updateFile = readUpdateSource(after.root);
  const declared = updateFile ? readUpdateFile(updateFile).transformers.filter((t) => !t.reverse) : [];
  const transformers = neededTransformers(modules, declared);
  const unneeded = declared
    .filter((d) => !transformers.some((n) => n.section === d.section && n.module === d.module && n.name === d.name))
    .map((d) => ({ section: d.section, module: d.module, name: d.name, line: lineOf(d.node) }));
  const risks = findRisks(changes, before.modules);
  const dependencies = planDependencies(before, after, changes);
  const t2 = performance.now();
  const plan: UpdatePlan = {
    oldRoot: before.root,
    newRoot: after.root,
    modules,
    transformers,
    unneeded,
    risks,
    dependencies,
    relocated: relocatedBindings(before.modules, after.modules, before.root !== after.root),
    timings: { modulesMs: Math.round(modulesMs), programsMs: Math.round(programsMs), typesMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0) },
  };
  return { plan, before, after, oldShapes, newShapes, declared, updateFile, affected };
}

/**
 * What program/update/relocate.ts computes again when the program moves to
 * the new directory (the same selection, `locationDerived`): bindings whose
 * unchanged initializer reads the module's location, or one selected before.
 */
function relocatedBindings(before: ReadonlyMap<string, ts.SourceFile>, after: ReadonlyMap<string, ts.SourceFile>, moves: boolean): UpdatePlan['relocated'] {
  if (!moves) return [];
  const out: Array<{ module: string; names: string[] }> = [];
  for (const [id, sf] of before) {
    const next = after.get(id);
    if (!next) continue;
    const inits = new Map(topLevelInits(next).map((b) => [b.name, b.init]));
    const names = locationDerived(topLevelInits(sf).filter((b) => inits.get(b.name) === b.init)).map((b) => b.name);
    if (names.length > 0) out.push({ module: id, names });
  }
  return out;
}

/** A module's top-level `name = init` declarations, as the location rule reads them (`locationDerived`). */
export function topLevelInits(sf: ts.SourceFile): Array<{ name: string; kind: string; init: string }> {
  return sf.statements.flatMap((s) =>
    ts.isVariableStatement(s) ? s.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [{ name: d.name.text, kind: 'var', init: d.initializer?.getText(sf) ?? '' }] : [])) : [],
  );
}

function neededTransformers(modules: readonly ModulePlan[], declared: readonly DeclaredTransformer[]): NeededTransformer[] {
  const has = (section: 'bindings' | 'classes', module: string, name: string) =>
    declared.some((d) => d.section === section && d.module === module && d.name === name);
  const out: NeededTransformer[] = [];
  for (const m of modules) {
    for (const b of m.bindings) {
      if (b.kind !== 'changed' || b.viaClassesOnly || b.widening || b.notState !== undefined) continue;
      const reason = `type changed: ${b.oldType} -> ${b.newType}`;
      out.push({ section: 'bindings', module: m.id, name: b.name, line: b.line, reason, provided: has('bindings', m.id, b.name) });
    }
    for (const c of m.classes) {
      if (!c.needsTransformer) continue;
      const reason = c.fields.map(describeField).join(', ');
      out.push({ section: 'classes', module: m.id, name: c.name, line: c.line, reason, provided: has('classes', m.id, c.name) });
    }
  }
  return out;
}

export function describeField(f: ClassDiff['fields'][number]): string {
  switch (f.kind) {
    case 'added':
      return `field ${f.name}${f.optional ? '?' : ''}: ${f.type} added`;
    case 'removed':
      return `field ${f.name} removed`;
    case 'renamed':
      return `field ${f.from} renamed to ${f.to} (a guess: same type ${f.type})`;
    case 'changed':
      return `field ${f.name}: ${f.oldType} -> ${f.newType}${f.widening ? ' (widened: carried as is)' : f.viaClasses ? ' (its instances are transformed by their class)' : ''}`;
  }
}

function readUpdateSource(root: string): ts.SourceFile | undefined {
  const file = join(root, UPDATE_FILE);
  if (!existsSync(file)) return undefined;
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function lineOf(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}
