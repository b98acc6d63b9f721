import ts from 'typescript';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UPDATE_FILE } from '../program/state/update-spec.js';
import { flatten, loadUpdateProgram, type VersionProgram } from './load-program.js';
import { mutationsOf } from './mutations.js';
import { planWithTypes, type UpdatePlan } from './plan-update.js';
import { bindingType, classFields } from './type-facts.js';
import { readUpdateFile, type DeclaredTransformer } from './update-file.js';
import { compilerInUse, type CompilerChoice } from './use-typescript.js';

/** One reason an update is not ready, at the place to fix it. */
export interface CheckProblem {
  readonly kind:
    | 'type-error'
    | 'missing-transformer'
    | 'unneeded-transformer'
    | 'unknown-target'
    | 'untyped-input'
    | 'input-mismatch'
    | 'output-mismatch'
    /** A transformer that writes to the old value: an aborted update would leave that state changed. */
    | 'mutates-input'
    /** A transformer or hook that returns a promise: it would finish after the commit. */
    | 'async-transformer'
    /** A generated stub's leaf conversion that still throws TODO. */
    | 'todo';
  /** Absolute path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly message: string;
}

interface CheckCommon {
  readonly plan: UpdatePlan;
  /** Type errors the old version has too: reported, never blocking (the update did not introduce them). */
  readonly preExisting: readonly CheckProblem[];
  readonly compiler: CompilerChoice;
  readonly ms: number;
}

/** What `baton check` (and `baton update` before applying) decides. */
export type CheckResult =
  | (CheckCommon & { readonly kind: 'passed'; readonly transformersChecked: number })
  | (CheckCommon & { readonly kind: 'failed'; readonly problems: readonly CheckProblem[] });

/**
 * Type-checks each version in its own program (as `tsc -p` would), blocks
 * only on errors the new version introduces, and checks the transformer file
 * in a third program that reaches both versions' types, each transformer
 * against the old type (input) and the new one (output).
 */
export async function checkUpdate(oldDir: string, newDir: string): Promise<CheckResult> {
  const t0 = performance.now();
  const cache = new Map<string, ts.SourceFile>();
  const ctx = await planWithTypes(oldDir, newDir, cache);
  const plan = ctx.plan;
  const { introduced, preExisting } = compareErrors(ctx.before, ctx.after, ctx.affected);
  const problems: CheckProblem[] = [...introduced];
  for (const t of plan.transformers) {
    if (t.provided) continue;
    problems.push({
      kind: 'missing-transformer',
      file: join(plan.newRoot, t.module),
      line: t.line,
      message: `${t.section === 'classes' ? 'class' : 'binding'} ${t.name} needs a transformer (${t.reason}); \`baton diff --stubs\` writes a stub`,
    });
  }
  const updatePath = join(plan.newRoot, UPDATE_FILE);
  let checked = 0;
  if (existsSync(updatePath) && ctx.updateFile) {
    const { transformers } = readUpdateFile(ctx.updateFile);
    const targets = transformers.flatMap((d) => [join(plan.oldRoot, d.module), join(plan.newRoot, d.module)]).filter((f) => existsSync(f));
    const program = loadUpdateProgram(ctx.after, updatePath, [...new Set(targets)], cache);
    const updateFile = program.getSourceFile(updatePath)!;
    problems.push(...fileErrors(program, updateFile));
    for (const u of plan.unneeded) {
      const exists = u.section === 'bindings' ? !!findBinding(program, plan.newRoot, u.module, u.name) : !!findClass(program, plan.newRoot, u.module, u.name);
      problems.push(
        exists
          ? { kind: 'unneeded-transformer', file: updatePath, line: u.line, message: `${u.name} in ${u.module} did not change representation: remove its transformer (state is carried by name)` }
          : { kind: 'unknown-target', file: updatePath, line: u.line, message: `${u.module} has no top-level ${u.section === 'classes' ? 'class' : 'binding'} ${u.name} in the new version` },
      );
    }
    problems.push(...todos(updateFile));
    const checker = program.getTypeChecker();
    // Declarations are read from the program's own parse of the file, so the checker knows their nodes.
    const declared = readUpdateFile(updateFile);
    for (const d of declared.transformers) {
      const what = `${d.reverse ? 'reverse ' : ''}transformer for ${d.module} ${d.name}`;
      if (d.fn) problems.push(...synchronyAndPurity(checker, d.fn, what));
      const found = checkTransformer(program, plan.oldRoot, plan.newRoot, d);
      if (found === undefined) continue;
      checked++;
      problems.push(...found);
    }
    for (const h of declared.hooks) {
      if (h.fn) problems.push(...synchronyAndPurity(checker, h.fn, `${h.reverse ? 'reverse ' : ''}program hook`, false));
    }
  }
  const ms = Math.round(performance.now() - t0);
  const common = { plan, preExisting, compiler: compilerInUse(), ms };
  return problems.length ? { ...common, kind: 'failed', problems } : { ...common, kind: 'passed', transformersChecked: checked };
}

/**
 * A transformer runs during the update's pause, before the commit: a promise
 * it returns would settle after the commit (on new state it never saw), and
 * a write to the old value would survive an abort. Both are refused here.
 */
function synchronyAndPurity(checker: ts.TypeChecker, fn: NonNullable<DeclaredTransformer['fn']>, what: string, purity = true): CheckProblem[] {
  const out: CheckProblem[] = [];
  const sf = fn.getSourceFile();
  const line = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const isAsync = (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async) !== 0;
  const signature = checker.getSignatureFromDeclaration(fn);
  const returned = signature && checker.getReturnTypeOfSignature(signature);
  if (isAsync || (returned && isThenable(checker, returned))) {
    out.push({ kind: 'async-transformer', file: sf.fileName, line: line(fn), message: `${what} returns a promise: transformers and hooks run synchronously before the commit, so make it synchronous (do async work before \`baton update\`, or in the new version's code)` });
  }
  if (purity) {
    for (const m of mutationsOf(checker, fn)) {
      out.push({ kind: 'mutates-input', file: sf.fileName, line: line(m), message: `${what} mutates its input (\`${m.getText(sf).slice(0, 60)}\`): the old value is read-only (an aborted update must leave it as it was); build the new value instead` });
    }
  }
  return out;
}

function isThenable(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (type.flags & ts.TypeFlags.Any) return false;
  const members = type.isUnion() ? type.types : [type];
  return members.some((t) => {
    const then = checker.getPropertyOfType(t, 'then');
    return !!then && checker.getTypeOfSymbol(then).getCallSignatures().length > 0;
  });
}

/** Leaf conversions `baton diff --stubs` left to write. */
function todos(sf: ts.SourceFile): CheckProblem[] {
  const out: CheckProblem[] = [];
  // The message may hold escaped quotes (`\'`).
  for (const m of sf.text.matchAll(/throw new Error\((["'`])(TODO: (?:\\.|(?!\1)[^\\])*)\1\)/g)) {
    const line = sf.getLineAndCharacterOfPosition(m.index ?? 0).line + 1;
    out.push({ kind: 'todo', file: sf.fileName, line, message: `${m[2]} (write this conversion)` });
  }
  return out;
}

/**
 * The new version's errors that the old version does not have. An error
 * counts as the same in both when it is in the same file (relative to its
 * version), has the same code and the same message (version paths removed):
 * lines move when code is added above it. Every file of the new version is
 * checked, as `tsc -p` would; an error in a file the update does not affect
 * (affected.ts) is pre-existing by construction, so the old version is
 * checked only where the update reaches, and only when there are errors.
 */
function compareErrors(before: VersionProgram, after: VersionProgram, affected: ReadonlySet<string> | undefined): { introduced: CheckProblem[]; preExisting: CheckProblem[] } {
  const now = versionErrors(after);
  const preExisting: CheckProblem[] = [];
  const toCompare = now.filter((e) => {
    const untouched = !!affected && e.ownFile !== undefined && !affected.has(e.ownFile);
    if (untouched) preExisting.push(e.problem);
    return !untouched;
  });
  if (!toCompare.length) return { introduced: [], preExisting };
  const counts = new Map<string, number>();
  const counterpart = affected && new Set([...affected].map((f) => join(before.root, relative(after.root, f))));
  for (const e of versionErrors(before, counterpart && ((f) => counterpart.has(f)))) counts.set(e.key, (counts.get(e.key) ?? 0) + 1);
  const introduced: CheckProblem[] = [];
  for (const e of toCompare) {
    const left = counts.get(e.key) ?? 0;
    if (left > 0) {
      counts.set(e.key, left - 1);
      preExisting.push(e.problem);
    } else introduced.push(e.problem);
  }
  return { introduced, preExisting };
}

/** What `tsc -p` reports for one version: the tsconfig's problems, then each of its own files' errors. */
function versionErrors(v: VersionProgram, only?: (file: string) => boolean): { key: string; problem: CheckProblem; ownFile: string | undefined }[] {
  const program = v.program;
  const own = program.getSourceFiles().filter((sf) => !program.isSourceFileFromExternalLibrary(sf) && !program.isSourceFileDefaultLibrary(sf) && sf.fileName.startsWith(v.root + '/') && (!only || only(sf.fileName)));
  const diagnostics = [
    ...v.configDiagnostics,
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...own.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
  ];
  const out: { key: string; problem: CheckProblem; ownFile: string | undefined }[] = [];
  const ownNames = new Set(own.map((sf) => sf.fileName));
  for (const d of diagnostics) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    const file = d.file?.fileName ?? v.configFile ?? v.root;
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    const message = `TS${d.code}: ${flatten(d.messageText)}`;
    const key = `${relative(v.root, file)}\0${message.split(v.root).join('<version>')}`;
    out.push({ key, problem: { kind: 'type-error', file, line, message }, ownFile: d.file && ownNames.has(d.file.fileName) ? d.file.fileName : undefined });
  }
  return out;
}

/** Errors in one file of a program (the transformer file). */
function fileErrors(program: ts.Program, sf: ts.SourceFile): CheckProblem[] {
  const out: CheckProblem[] = [];
  for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    const line = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    out.push({ kind: 'type-error', file: sf.fileName, line, message: `TS${d.code}: ${flatten(d.messageText)}` });
  }
  return out;
}

/** undefined when the transformer has no target to check against (reported elsewhere). */
function checkTransformer(program: ts.Program, oldRoot: string, newRoot: string, d: DeclaredTransformer): CheckProblem[] | undefined {
  const checker = program.getTypeChecker();
  // Forward transformers take old values to new ones; `reverse` ones the other way.
  const [fromRoot, toRoot] = d.reverse ? [newRoot, oldRoot] : [oldRoot, newRoot];
  const fromName = d.reverse ? 'new' : 'old';
  const toName = d.reverse ? 'old' : 'new';
  let from: ts.Type | undefined;
  let to: ts.Type | undefined;
  if (d.section === 'bindings') {
    const a = findBinding(program, fromRoot, d.module, d.name);
    const b = findBinding(program, toRoot, d.module, d.name);
    from = a && bindingType(checker, a);
    to = b && bindingType(checker, b);
  } else {
    const a = findClass(program, fromRoot, d.module, d.name);
    const b = findClass(program, toRoot, d.module, d.name);
    from = a && instanceTypeOf(checker, a);
    to = b && instanceTypeOf(checker, b);
  }
  if (!from || !to || !d.fn) return undefined;
  const fn = d.fn;
  const at = (node: ts.Node) => {
    const sf = node.getSourceFile();
    return { file: sf.fileName, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 };
  };
  const show = (t: ts.Type, other?: ts.Type) => {
    const text = checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation);
    // Old and new types usually share their names: say which is which.
    if (other && text === checker.typeToString(other, undefined, ts.TypeFormatFlags.NoTruncation)) {
      return checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType);
    }
    return text;
  };
  const what = `${d.reverse ? 'reverse ' : ''}transformer for ${d.module} ${d.name}`;
  const problems: CheckProblem[] = [];
  const param = fn.parameters[0];
  if (!param?.type) {
    problems.push({ kind: 'untyped-input', ...at(param ?? fn), message: `${what}: annotate the parameter with the ${fromName} type (${show(from)}) so that it can be checked` });
  } else {
    const paramType = checker.getTypeFromTypeNode(param.type);
    if (!checker.isTypeAssignableTo(from, paramType)) {
      problems.push({ kind: 'input-mismatch', ...at(param.type), message: `${what}: takes ${show(paramType, from)}, but the ${fromName} version holds ${show(from, paramType)}` });
    }
  }
  const signature = checker.getSignatureFromDeclaration(fn);
  const returned = signature && checker.getReturnTypeOfSignature(signature);
  if (!returned || returned.flags & ts.TypeFlags.Any || isThenable(checker, returned)) return problems;
  const where = at(fn.type ?? fn.body ?? fn);
  if (d.section === 'bindings') {
    if (!checker.isTypeAssignableTo(returned, to)) {
      problems.push({ kind: 'output-mismatch', ...where, message: `${what}: returns ${show(returned, to)}, which is not assignable to the ${toName} type ${show(to, returned)}` });
    }
    return problems;
  }
  const fields = classFields(checker, to).filter((f) => !f.name.startsWith('#'));
  for (const f of fields) {
    const prop = checker.getPropertyOfType(returned, f.name);
    if (!prop) {
      if (!f.optional) problems.push({ kind: 'output-mismatch', ...where, message: `${what}: field ${f.name} (${show(f.type)}) is missing from the returned fields` });
      continue;
    }
    const t = checker.getTypeOfSymbol(prop);
    if (!checker.isTypeAssignableTo(t, f.type)) {
      problems.push({ kind: 'output-mismatch', ...where, message: `${what}: field ${f.name} is ${show(t)}, not assignable to ${show(f.type)}` });
    }
  }
  for (const prop of checker.getPropertiesOfType(returned)) {
    if (!fields.some((f) => f.name === prop.getName())) {
      problems.push({ kind: 'output-mismatch', ...where, message: `${what}: ${prop.getName()} is not a field of the ${toName} class ${d.name}` });
    }
  }
  return problems;
}

function findBinding(program: ts.Program, root: string, module: string, name: string): ts.Identifier | undefined {
  const sf = program.getSourceFile(join(root, module));
  for (const stmt of sf?.statements ?? []) {
    if (!ts.isVariableStatement(stmt)) continue;
    for (const decl of stmt.declarationList.declarations) {
      const found = identifierIn(decl.name, name);
      if (found) return found;
    }
  }
  return undefined;
}

function identifierIn(name: ts.BindingName, wanted: string): ts.Identifier | undefined {
  if (ts.isIdentifier(name)) return name.text === wanted ? name : undefined;
  for (const el of name.elements) {
    if (ts.isOmittedExpression(el)) continue;
    const found = identifierIn(el.name, wanted);
    if (found) return found;
  }
  return undefined;
}

function findClass(program: ts.Program, root: string, module: string, name: string): ts.ClassDeclaration | undefined {
  const sf = program.getSourceFile(join(root, module));
  return sf?.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === name);
}

function instanceTypeOf(checker: ts.TypeChecker, decl: ts.ClassDeclaration): ts.Type | undefined {
  const symbol = decl.name && checker.getSymbolAtLocation(decl.name);
  return symbol && checker.getDeclaredTypeOfSymbol(symbol);
}
