import ts from 'typescript';
import { join } from 'node:path';
import { UPDATE_FILE } from '../program/state/update-spec.js';
import { flatten, loadVersion, type VersionProgram } from './load-program.js';
import { planWithTypes, type UpdatePlan } from './plan-update.js';
import { bindingType, classFields } from './type-facts.js';
import { readUpdateFile, type DeclaredTransformer } from './update-file.js';

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
    /** A generated stub's leaf conversion that still throws TODO. */
    | 'todo';
  /** Absolute path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly message: string;
}

/** What `baton check` (and `baton update` before applying) decides. */
export type CheckResult =
  | { readonly kind: 'passed'; readonly plan: UpdatePlan; readonly transformersChecked: number; readonly ms: number }
  | { readonly kind: 'failed'; readonly plan: UpdatePlan; readonly problems: readonly CheckProblem[]; readonly ms: number };

/**
 * Type-checks the new version together with its transformer file, in one
 * program that also holds the old version (so `Old.Entry` resolves), and
 * checks each transformer against both versions' types.
 */
export async function checkUpdate(oldDir: string, newDir: string): Promise<CheckResult> {
  const t0 = performance.now();
  const cache = new Map<string, ts.SourceFile>();
  const ctx = await planWithTypes(oldDir, newDir, cache);
  const both = await loadVersion(newDir, { withUpdateFile: true, alsoRoots: [ctx.before.root], cache });
  const problems: CheckProblem[] = [...typeErrors(both)];
  const plan = ctx.plan;
  for (const t of plan.transformers) {
    if (t.provided) continue;
    problems.push({
      kind: 'missing-transformer',
      file: join(plan.newRoot, t.module),
      line: t.line,
      message: `${t.section === 'classes' ? 'class' : 'binding'} ${t.name} needs a transformer (${t.reason}); \`baton diff --stubs\` writes a stub`,
    });
  }
  const updateFile = both.program.getSourceFile(join(plan.newRoot, UPDATE_FILE));
  let checked = 0;
  if (updateFile) {
    const updatePath = updateFile.fileName;
    for (const u of plan.unneeded) {
      const exists = u.section === 'bindings' ? !!findBinding(both, plan.newRoot, u.module, u.name) : !!findClass(both, plan.newRoot, u.module, u.name);
      problems.push(
        exists
          ? { kind: 'unneeded-transformer', file: updatePath, line: u.line, message: `${u.name} in ${u.module} did not change representation: remove its transformer (state is carried by name)` }
          : { kind: 'unknown-target', file: updatePath, line: u.line, message: `${u.module} has no top-level ${u.section === 'classes' ? 'class' : 'binding'} ${u.name} in the new version` },
      );
    }
    problems.push(...todos(updateFile));
    for (const d of readUpdateFile(updateFile).transformers) {
      const found = checkTransformer(both, ctx.before.root, plan.newRoot, d);
      if (found === undefined) continue;
      checked++;
      problems.push(...found);
    }
  }
  const ms = Math.round(performance.now() - t0);
  return problems.length ? { kind: 'failed', plan, problems, ms } : { kind: 'passed', plan, transformersChecked: checked, ms };
}

/** Leaf conversions `baton diff --stubs` left to write. */
function todos(sf: ts.SourceFile): CheckProblem[] {
  const out: CheckProblem[] = [];
  for (const m of sf.text.matchAll(/throw new Error\((["'`])(TODO: [^"'`]*)\1\)/g)) {
    const line = sf.getLineAndCharacterOfPosition(m.index ?? 0).line + 1;
    out.push({ kind: 'todo', file: sf.fileName, line, message: `${m[2]} (write this conversion)` });
  }
  return out;
}

/** Errors in the new version's modules and its transformer file (not in the old version: it runs already). */
function typeErrors(v: VersionProgram): CheckProblem[] {
  const out: CheckProblem[] = [];
  const program = v.program;
  const mine = program.getSourceFiles().filter((sf) => sf.fileName.startsWith(v.root + '/') && !sf.isDeclarationFile);
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...mine.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
  ];
  for (const d of diagnostics) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    out.push({ kind: 'type-error', file: d.file?.fileName ?? v.configFile ?? v.root, line, message: `TS${d.code}: ${flatten(d.messageText)}` });
  }
  return out;
}

/** undefined when the transformer has no target to check against (reported elsewhere). */
function checkTransformer(v: VersionProgram, oldRoot: string, newRoot: string, d: DeclaredTransformer): CheckProblem[] | undefined {
  const checker = v.checker;
  // Forward transformers take old values to new ones; `reverse` ones the other way.
  const [fromRoot, toRoot] = d.reverse ? [newRoot, oldRoot] : [oldRoot, newRoot];
  const fromName = d.reverse ? 'new' : 'old';
  const toName = d.reverse ? 'old' : 'new';
  let from: ts.Type | undefined;
  let to: ts.Type | undefined;
  if (d.section === 'bindings') {
    const a = findBinding(v, fromRoot, d.module, d.name);
    const b = findBinding(v, toRoot, d.module, d.name);
    from = a && bindingType(checker, a);
    to = b && bindingType(checker, b);
  } else {
    const a = findClass(v, fromRoot, d.module, d.name);
    const b = findClass(v, toRoot, d.module, d.name);
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
  if (!returned || returned.flags & ts.TypeFlags.Any) return problems;
  const where = at(fn.type ?? fn.body ?? fn);
  if (d.section === 'bindings') {
    if (!checker.isTypeAssignableTo(returned, to)) {
      problems.push({ kind: 'output-mismatch', ...where, message: `${what}: returns ${show(returned, to)}, which is not assignable to the ${toName} type ${show(to, returned)}` });
    }
    return problems;
  }
  const fields = classFields(checker, to);
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

function findBinding(v: VersionProgram, root: string, module: string, name: string): ts.Identifier | undefined {
  const sf = v.program.getSourceFile(join(root, module));
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

function findClass(v: VersionProgram, root: string, module: string, name: string): ts.ClassDeclaration | undefined {
  const sf = v.program.getSourceFile(join(root, module));
  return sf?.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === name);
}

function instanceTypeOf(checker: ts.TypeChecker, decl: ts.ClassDeclaration): ts.Type | undefined {
  const symbol = decl.name && checker.getSymbolAtLocation(decl.name);
  return symbol && checker.getDeclaredTypeOfSymbol(symbol);
}
