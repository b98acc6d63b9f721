import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { initSync as initLexer, parse as lexCjs } from 'cjs-module-lexer';
import { BatonError } from '../../protocol/errors.js';
import { applyEdits, type Edit } from './top-level.js';

// A module's import/export syntax as the compile needs it: what an ES module
// imports (and which names), top-level await and `import.meta` marked for the
// CommonJS wrapper, what a CommonJS module exports (Node's own lexer) and
// requires. The esbuild pipeline and the wrapper are compile.ts's.

/** Top-level `await` as marked before esbuild's CommonJS conversion, turned back after it. */
export const TLA = '__baton_tla';

let lexerReady = false;

export function lexCommonJs(code: string, file: string): { exports: string[]; reexports: string[] } {
  if (!lexerReady) {
    initLexer();
    lexerReady = true;
  }
  try {
    const { exports, reexports } = lexCjs(code, file);
    return { exports: exports.filter((n) => n !== 'default' && n !== '__esModule'), reexports };
  } catch {
    // Node imports such a module with only its default export.
    return { exports: [], reexports: [] };
  }
}

/**
 * `require('literal')` calls anywhere in the module: what an update must look
 * for among new modules. Not those inside a `try` block: an optional
 * dependency, whose absence the program handles when the call runs.
 */
export function staticRequires(code: string, file: string): string[] {
  const found = new Set<string>();
  walk.ancestor(parse(code, file, 'script'), {
    CallExpression(node, _state, ancestors) {
      const arg = node.arguments[0];
      if (node.callee.type !== 'Identifier' || node.callee.name !== 'require' || node.arguments.length !== 1) return;
      if (arg?.type !== 'Literal' || typeof arg.value !== 'string') return;
      if (ancestors.some((a, i) => a.type === 'TryStatement' && (a as acorn.TryStatement).block === ancestors[i + 1])) return;
      found.add(arg.value);
    },
  });
  return [...found];
}

/**
 * Marks what esbuild's CommonJS output cannot express: top-level await
 * (turned back into `await` after conversion), `import.meta` and dynamic
 * `import()` (answered by the runner). Edits stay on their lines so the
 * source map still points at the right `.ts` line.
 */
export function markModuleSyntax(esm: string, file: string): { text: string; imports: string[]; importedNames: Record<string, string[]> } {
  const ast = parse(esm, file, 'module');
  const edits: Edit[] = [];
  const imports: string[] = [];
  const importedNames: Record<string, string[]> = {};
  for (const node of ast.body) {
    if (
      (node.type === 'ImportDeclaration' || node.type === 'ExportAllDeclaration' || node.type === 'ExportNamedDeclaration') &&
      node.source &&
      typeof node.source.value === 'string'
    ) {
      const specifier = node.source.value;
      imports.push(specifier);
      const named = node.type === 'ImportDeclaration'
        ? node.specifiers.flatMap((s) => (s.type === 'ImportSpecifier' ? [nameOf(s.imported)] : []))
        : node.type === 'ExportNamedDeclaration' ? node.specifiers.map((s) => nameOf(s.local)) : [];
      const wanted = named.filter((n) => n !== 'default');
      if (wanted.length > 0) importedNames[specifier] = [...(importedNames[specifier] ?? []), ...wanted];
    }
  }
  walk.ancestor(ast, {
    AwaitExpression(node, _state, ancestors) {
      if (!insideFunction(ancestors)) {
        edits.push({ start: node.start, end: node.start + 5, text: `${TLA}(` }, { start: node.end, end: node.end, text: ')' });
      }
    },
    ForOfStatement(node, _state, ancestors) {
      if (node.await && !insideFunction(ancestors)) {
        throw new BatonError('E_COMPILE', `${file}: a top-level \`for await\` loop is not supported`, 'move the loop into an async function and call it');
      }
    },
    MetaProperty(node) {
      if (node.meta.name === 'import') edits.push({ start: node.start, end: node.end, text: '__baton_meta' });
    },
    ImportExpression(node) {
      edits.push({ start: node.start, end: node.source.start, text: '__baton_import(' });
      edits.push({ start: node.source.end, end: node.end, text: ')' });
    },
  });
  return { text: applyEdits(esm, edits), imports, importedNames };
}

function nameOf(node: acorn.Identifier | acorn.Literal): string {
  return node.type === 'Identifier' ? node.name : String(node.value);
}

function insideFunction(ancestors: acorn.Node[]): boolean {
  return ancestors.some(
    (a) => a.type === 'FunctionDeclaration' || a.type === 'FunctionExpression' || a.type === 'ArrowFunctionExpression',
  );
}

export function parse(text: string, file: string, sourceType: 'module' | 'script'): acorn.Program {
  try {
    return acorn.parse(text, {
      ecmaVersion: 'latest',
      sourceType,
      allowAwaitOutsideFunction: true,
      allowReturnOutsideFunction: true,
      allowHashBang: true,
      // eslint-scope reads `range`.
      ranges: true,
    });
  } catch (error) {
    throw new BatonError('E_COMPILE', `cannot compile ${file}: ${firstLine(error)}`, 'fix the syntax error and try again');
  }
}

export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').slice(0, 3).join(' ').trim();
}
