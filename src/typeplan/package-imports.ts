import ts from 'typescript';
import { join } from 'node:path';
import { changedDependencies, type DependencyChange } from '../compare/dependencies.js';
import type { ModuleChange } from '../compare/compare-module.js';
import { resolvedLocation } from '../program/runner/resolve.js';
import type { VersionProgram } from './load-program.js';

/**
 * Packages the new tree resolves to another version than the old one: what
 * `baton update` will refuse (E_DEPENDENCY_CHANGED), found by the same rule
 * (compare/dependencies.ts) and the runtime's resolver. The specifiers come
 * from the parsed sources, which the plan already has, rather than from
 * compiling every module; imports written as type-only are left out, as the
 * compiled code has none of them.
 */
export function planDependencies(before: VersionProgram, after: VersionProgram, changes: readonly ModuleChange[]): DependencyChange[] {
  const movedFrom = new Map(changes.flatMap((c) => (c.movedFrom ? [[c.id, c.movedFrom] as const] : [])));
  return changedDependencies(
    [...after.modules].map(([id, sf]) => ({ old: join(before.root, movedFrom.get(id) ?? id), next: sf.fileName, specifiers: runtimeSpecifiers(sf) })),
    resolvedLocation,
  );
}

/** The specifiers a module loads when it runs: static imports and re-exports (not `import type`), `import x = require()`, `require('...')`. */
function runtimeSpecifiers(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const literal = (node: ts.Node | undefined) => (node && ts.isStringLiteral(node) ? node.text : undefined);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const s = literal(node.moduleSpecifier);
      if (s && !node.importClause?.isTypeOnly) out.push(s);
      return;
    }
    if (ts.isExportDeclaration(node)) {
      const s = literal(node.moduleSpecifier);
      if (s && !node.isTypeOnly) out.push(s);
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      if (!node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) {
        const s = literal(node.moduleReference.expression);
        if (s) out.push(s);
      }
      return;
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1) {
      const s = literal(node.arguments[0]);
      if (s) out.push(s);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
