import type * as acorn from 'acorn';

/** A module's own top-level bindings: found, exposed for carrying state, and read and written through one accessor. */

export interface TopLevelBinding {
  readonly name: string;
  readonly kind: 'let' | 'const' | 'var' | 'function' | 'class';
  /** Compiled initializer text, compared across versions to decide carrying. */
  readonly init: string;
}

/**
 * Finds the module's own top-level bindings (not esbuild's helpers or import
 * namespaces), turns `const` into `let` so a carried value can be written
 * back, and lists them for the accessor.
 */
export function exposeTopLevel(body: string, ast: acorn.Program, external: ReadonlySet<string>, source: string): { text: string; bindings: TopLevelBinding[] } {
  const edits: Edit[] = [];
  const bindings: TopLevelBinding[] = [];
  for (const node of ast.body) {
    if (node.type === 'VariableDeclaration') {
      const decls = node.declarations.filter((d) => d.id.type === 'Identifier' && !isGenerated(d.id.name, d.init, body, source) && !external.has(d.id.name));
      if (decls.length === 0) continue;
      if (node.kind === 'const') edits.push({ start: node.start, end: node.start + 5, text: 'let  ' });
      for (const d of decls) {
        if (d.id.type !== 'Identifier') continue;
        bindings.push({ name: d.id.name, kind: node.kind === 'using' || node.kind === 'await using' ? 'const' : node.kind, init: d.init ? body.slice(d.init.start, d.init.end) : '' });
      }
      for (const d of node.declarations) {
        if (d.id.type !== 'Identifier') {
          for (const name of patternNames(d.id)) bindings.push({ name, kind: node.kind === 'var' ? 'var' : 'let', init: '' });
        }
      }
    } else if (node.type === 'FunctionDeclaration' && node.id && !external.has(node.id.name)) {
      bindings.push({ name: node.id.name, kind: 'function', init: '' });
    } else if (node.type === 'ClassDeclaration' && node.id && !external.has(node.id.name)) {
      bindings.push({ name: node.id.name, kind: 'class', init: '' });
    }
  }
  return { text: applyEdits(body, edits), bindings };
}

function patternNames(pattern: acorn.Pattern): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p) => (p.type === 'RestElement' ? patternNames(p.argument) : patternNames(p.value)));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e) => (e ? patternNames(e) : []));
    case 'RestElement':
      return patternNames(pattern.argument);
    case 'AssignmentPattern':
      return patternNames(pattern.left);
    default:
      return [];
  }
}

/**
 * Names esbuild gives what it adds to a module (its helpers, `__publicField2`, and its `*_exports` objects), and
 * baton's own `__baton_*`. A program may use such a name too (`__dirname`, a `__cache`): `isGenerated` asks its source.
 */
export function isCompilerName(name: string): boolean {
  return name.startsWith('__') || name.endsWith('_exports');
}

/**
 * esbuild's helpers, its `*_exports` object and import namespaces are not program state. A compiler-like name
 * the program's own source declares is the program's: its value is state like any other (a hand-off carries it).
 */
function isGenerated(name: string, init: acorn.Expression | null | undefined, text: string, source: string): boolean {
  if (isCompilerName(name)) return !new RegExp(`(?<![\\w$])${name.replaceAll('$', '\\$')}(?![\\w$])`).test(source);
  if (!init) return false;
  const initText = text.slice(init.start, init.end);
  return /^(__baton_esm\()?require\(/.test(initText);
}

/**
 * Read and write accessors for the top-level bindings, and the module's
 * evaluator: a direct eval in the module's scope, where a patch compiles new
 * bodies so they see the same bindings. The code is strict, so eval adds no
 * binding to the module and other functions' lookups stay static.
 */
export function bindingAccessor(bindings: readonly TopLevelBinding[]): string {
  const entries = bindings.map((b) => `${JSON.stringify(b.name)}: [() => ${b.name}, (v) => { ${b.name} = v; }]`);
  return `__baton_bind({ ${entries.join(', ')} }, (__baton_src) => eval(__baton_src));`;
}

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
