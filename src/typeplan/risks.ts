import ts from 'typescript';
import type { ModuleChange } from '../compare/compare-module.js';

/** What an update risks, found without running anything. */
export type Risk =
  | {
      /** A removed module started a timer or listener at its top level and has no dispose hook: it keeps running. */
      readonly kind: 'no-dispose';
      readonly module: string;
      readonly line: number;
      readonly call: string;
    }
  | {
      /** A changed async function or generator: a call suspended in it when the patch applies finishes the old body. */
      readonly kind: 'suspendable';
      readonly module: string;
      readonly function: string;
    }
  | {
      /** A closure whose new body reads variables its existing instances do not pass: they keep the old body. */
      readonly kind: 'new-capture';
      readonly module: string;
      readonly function: string;
      readonly variables: readonly string[];
    };

const TIMERS = new Set(['setInterval', 'setTimeout', 'setImmediate']);
const LISTENERS = new Set(['on', 'once', 'addListener', 'addEventListener']);
const DISPOSE = /import\.meta\.hot\??\.dispose\s*\(/;

/**
 * `oldSources` maps module ids to the old version's parsed modules: the code
 * that is running, whose timers a removed module leaves behind.
 */
export function findRisks(changes: readonly ModuleChange[], oldSources: ReadonlyMap<string, ts.SourceFile>): Risk[] {
  const risks: Risk[] = [];
  for (const change of changes) {
    if (change.kind === 'patch') {
      for (const f of change.functions) {
        if (f.suspendable && f.change === 'changed') risks.push({ kind: 'suspendable', module: change.id, function: f.name });
        if (f.newCaptures && f.newCaptures.length > 0) risks.push({ kind: 'new-capture', module: change.id, function: f.name, variables: f.newCaptures });
      }
    }
    if (change.kind !== 'removed') continue;
    const sf = oldSources.get(change.id);
    if (!sf || DISPOSE.test(sf.text)) continue;
    const found = topLevelCalls(sf)[0];
    if (found) risks.push({ kind: 'no-dispose', module: change.id, ...found });
  }
  return risks;
}

/** Timer and listener calls that run when the module is evaluated (not inside its functions). */
export function topLevelCalls(sf: ts.SourceFile): { line: number; call: string }[] {
  const out: { line: number; call: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      const isTimer = name !== undefined && TIMERS.has(name) && (ts.isIdentifier(callee) || isGlobalObject(callee));
      const isListener = name !== undefined && LISTENERS.has(name) && ts.isPropertyAccessExpression(callee);
      if (isTimer || isListener) {
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        out.push({ line, call: isListener ? `.${name}(...)` : `${name}(...)` });
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const stmt of sf.statements) visit(stmt);
  return out;
}

function isGlobalObject(callee: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && (callee.expression.text === 'globalThis' || callee.expression.text === 'timers');
}
