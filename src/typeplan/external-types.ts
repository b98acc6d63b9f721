import ts from 'typescript';
import { join, relative, sep } from 'node:path';

/** How a generated file names a type declared outside the version's own tree. */
export interface ExternalName {
  /** The module specifier to `import type * as` (`'express'`, `'node:http'`, `'@app/common'`). */
  readonly specifier: string;
  /** The path inside that namespace (`RequestHandler`, `Server`). */
  readonly name: string;
}

/**
 * Names types from packages and workspace siblings by a specifier the file
 * can import: first the way the version's own code imports them (`import {
 * Socket } from 'socket.io'`, `import express from 'express'` then
 * `express.RequestHandler`), then the package whose files declare them,
 * when it exports them, then the ambient module (`declare module 'http'`).
 * Globals (`NodeJS.Timeout`, `Map`) need no import.
 */
export class ExternalTypes {
  private imported: Map<ts.Symbol, ExternalName> | undefined;
  private readonly packageExports = new Map<string, Map<ts.Symbol, string> | undefined>();

  constructor(
    private readonly program: ts.Program,
    private readonly root: string,
  ) {}

  /** undefined when the symbol is global (or cannot be named: the caller spells the type out). */
  nameOf(symbol: ts.Symbol): ExternalName | undefined {
    const checker = this.program.getTypeChecker();
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const known = this.importedNames().get(target);
    if (known) return known;
    const decl = target.declarations?.[0];
    if (!decl) return undefined;
    const ambient = ambientModuleOf(decl);
    if (ambient) return { specifier: ambient.startsWith('node:') || !isNodeBuiltin(decl) ? ambient : `node:${ambient}`, name: target.getName() };
    const sf = decl.getSourceFile();
    if (!ts.isExternalModule(sf)) return undefined;
    const pkg = packageOf(sf.fileName);
    if (!pkg) return undefined;
    const name = this.exportsOf(pkg, sf.fileName)?.get(target);
    return name ? { specifier: pkg, name } : undefined;
  }

  /** What the version's own modules import from packages, by the symbol imported. */
  private importedNames(): Map<ts.Symbol, ExternalName> {
    if (this.imported) return this.imported;
    const checker = this.program.getTypeChecker();
    const out = new Map<ts.Symbol, ExternalName>();
    const add = (symbol: ts.Symbol | undefined, name: ExternalName) => {
      if (!symbol) return;
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      if (!out.has(target)) out.set(target, name);
      // A namespace (or an `export =` function merged with one) names its members too.
      if (target.flags & (ts.SymbolFlags.Namespace | ts.SymbolFlags.ValueModule) && target.exports) {
        target.exports.forEach((member, key) => {
          const m = member.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(member) : member;
          if (!out.has(m)) out.set(m, { specifier: name.specifier, name: name.name ? `${name.name}.${String(key)}` : String(key) });
        });
      }
    };
    for (const sf of this.program.getSourceFiles()) {
      if (sf.isDeclarationFile || this.program.isSourceFileFromExternalLibrary(sf) || relative(this.root, sf.fileName).startsWith('..')) continue;
      for (const stmt of sf.statements) {
        if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier) || !stmt.importClause) continue;
        const specifier = stmt.moduleSpecifier.text;
        if (specifier.startsWith('.') || specifier.startsWith('/')) continue;
        const clause = stmt.importClause;
        if (clause.name) add(checker.getSymbolAtLocation(clause.name), { specifier, name: '' });
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) add(checker.getSymbolAtLocation(bindings.name), { specifier, name: '' });
        if (bindings && ts.isNamedImports(bindings)) {
          for (const el of bindings.elements) add(checker.getSymbolAtLocation(el.name), { specifier, name: (el.propertyName ?? el.name).text });
        }
      }
    }
    // A default import names the module's `export =` value: its members are `ns.Member`,
    // and the value itself is only a value. Drop names that ended up empty.
    for (const [symbol, name] of out) if (!name.name) out.delete(symbol);
    this.imported = out;
    return out;
  }

  private exportsOf(pkg: string, from: string): Map<ts.Symbol, string> | undefined {
    if (this.packageExports.has(pkg)) return this.packageExports.get(pkg);
    const checker = this.program.getTypeChecker();
    let found: Map<ts.Symbol, string> | undefined;
    const resolved = ts.resolveModuleName(pkg, join(this.root, 'index.ts'), this.program.getCompilerOptions(), ts.sys).resolvedModule
      ?? ts.resolveModuleName(pkg, from, this.program.getCompilerOptions(), ts.sys).resolvedModule;
    const sf = resolved && this.program.getSourceFile(resolved.resolvedFileName);
    const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
    if (moduleSymbol) {
      found = new Map();
      for (const e of checker.getExportsOfModule(moduleSymbol)) {
        const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
        if (!found.has(target)) found.set(target, e.getName());
      }
    }
    this.packageExports.set(pkg, found);
    return found;
  }
}

function ambientModuleOf(decl: ts.Node): string | undefined {
  for (let n: ts.Node | undefined = decl.parent; n; n = n.parent) {
    if (ts.isModuleDeclaration(n) && ts.isStringLiteral(n.name)) return n.name.text;
  }
  return undefined;
}

function isNodeBuiltin(decl: ts.Node): boolean {
  return decl.getSourceFile().fileName.includes(`${sep}@types${sep}node${sep}`);
}

/** The package a file under node_modules belongs to, as an import specifier (`@types/x` is `x`). */
function packageOf(file: string): string | undefined {
  const parts = file.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const first = parts[at + 1];
  if (!first) return undefined;
  const name = first.startsWith('@') ? `${first}/${parts[at + 2] ?? ''}` : first;
  if (name.startsWith('@types/')) {
    const bare = name.slice('@types/'.length);
    return bare.includes('__') ? `@${bare.replace('__', '/')}` : bare;
  }
  return name;
}
