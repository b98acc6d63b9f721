import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { CompiledModule } from './compile.js';
import { SLOT_PREFIX } from './slot-analysis.js';

/**
 * Stack traces in the user's terms. Every call to an app function runs two
 * frames, the stub and the body (`__baton_body`); a trace shows one frame per
 * call: the stub's name with the body's position, in `.ts` lines. A body
 * compiled by a patch runs from an eval'd script named `baton-patch:<n>`,
 * which maps through the new version's source map, so a trace points at the
 * new source.
 *
 * Node's own source-map support is replaced for the process (V8 lets one
 * `Error.prepareStackTrace` format traces); frames of other code are printed
 * as V8 prints them.
 */
interface Script {
  readonly compiled: CompiledModule;
  map?: TraceMap;
  /** Generated line (0-based) where each slot's body starts, in order, with its path. */
  bodies?: Array<{ readonly line: number; readonly path: string }>;
  /** For a patched body: where its source starts in `compiled.comparable` (0-based line and column). */
  readonly origin?: { readonly line: number; readonly column: number; readonly path: string };
}

/**
 * Each script's mapping, held by what runs its code: a module instance, or a
 * patched body. A mapping names a compiled module (its text and source map,
 * about 10 KB for a small module) and must go in the collection that takes
 * its holder. Held in a map by name and released by a FinalizationRegistry
 * callback, it went a collection later (the callback is a task that runs
 * after the collection), so a heap read right after gc() counted every
 * version whose bodies had died since the last major GC: 2-4 MB after 1,000
 * updates in bench/memory.ts. The WeakMap's values die with their keys; the
 * map by name keeps a weak reference per name, and names whose holder is
 * gone are dropped when the map has doubled since the last look (no
 * FinalizationRegistry: what stays does not depend on when its tasks run).
 */
const mappings = new WeakMap<object, Script>();
const holders = new Map<string, WeakRef<object>>();
const MIN_PRUNE = 64;
let pruneAt = MIN_PRUNE;
let patches = 0;

export const BODY_NAME = '__baton_body';

function register(name: string, holder: object, script: Script): void {
  mappings.set(holder, script);
  holders.set(name, new WeakRef(holder));
  if (holders.size < pruneAt) return;
  for (const [n, ref] of holders) if (ref.deref() === undefined) holders.delete(n);
  pruneAt = Math.max(MIN_PRUNE, holders.size * 2);
}

function scriptNamed(name: string): Script | undefined {
  const holder = holders.get(name)?.deref();
  return holder === undefined ? undefined : mappings.get(holder);
}

/** How many script names are mapped, live or not yet pruned (tests). */
export function namedScripts(): number {
  return holders.size;
}

/** A module instance's script, named by its file, as V8 reports it, kept while `instance` lives. */
export function registerModule(instance: object, file: string, compiled: CompiledModule): void {
  register(file, instance, { compiled });
}

/** The name of the script of the next patched body (its `sourceURL`). */
export function patchedBodyName(): string {
  return `baton-patch:${++patches}`;
}

/** A patched body's mapping, kept while `body` lives: thousands of patches must not keep every version's text. */
export function registerPatchedBody(body: object, url: string, compiled: CompiledModule, cell: string, path: string): void {
  const text = compiled.comparable;
  const marker = `__baton_slot(${JSON.stringify(cell)}, `;
  // Counted in place: a copy of the module's text up to the body, split into lines, was an allocation per body in prepare.
  const end = text.indexOf(marker) + marker.length;
  const line = lineAt(text, end);
  const column = end - text.lastIndexOf('\n', end - 1) - 1;
  register(url, body, { compiled, origin: { line, column, path } });
}

function lineAt(text: string, index: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The path of the body a generated line of a module's script belongs to (bodies come first, in order). */
function bodyAt(script: Script, line: number): string | undefined {
  if (!script.bodies) {
    const text = script.compiled.comparable;
    script.bodies = script.compiled.slots.map((s) => ({ line: lineAt(text, text.indexOf(`__baton_slot(${JSON.stringify(s.cell)}, `)), path: s.path }));
  }
  let found: string | undefined;
  for (const b of script.bodies) {
    if (b.line > line) break;
    found = b.path;
  }
  return found;
}

function mapOf(script: Script): TraceMap {
  if (!script.map) {
    const code = script.compiled.code;
    const at = code.lastIndexOf('base64,');
    script.map = new TraceMap(Buffer.from(code.slice(at + 7).trim(), 'base64').toString('utf8'));
  }
  return script.map;
}

/** Where a generated position (1-based line and column, as V8 gives them) is in the user's source. */
function locate(file: string, line: number, column: number): { source: string; line: number; column: number; path?: string } | undefined {
  const script = scriptNamed(file);
  if (!script) return undefined;
  let l = line - 1;
  let c = column - 1;
  if (script.origin) {
    // The eval'd text is `(` + the body's source.
    c = l === 0 ? script.origin.column + c - 1 : c;
    l = script.origin.line + l;
  }
  const found = originalPositionFor(mapOf(script), { line: l + 1, column: c });
  if (found.source === null || found.line === null) return undefined;
  const path = script.origin?.path ?? bodyAt(script, line - 1);
  return { source: found.source, line: found.line, column: (found.column ?? 0) + 1, ...(path ? { path } : {}) };
}

function frameName(site: NodeJS.CallSite, fallback?: string): string {
  const fn = site.getFunctionName();
  const name = fn && fn !== BODY_NAME ? fn : fallback;
  const type = site.getTypeName();
  const method = !site.isToplevel() && type && name && !site.isConstructor() ? `${type}.${name}` : name;
  return `${site.isAsync() ? 'async ' : ''}${site.isConstructor() ? 'new ' : ''}${method ?? '<anonymous>'}`;
}

function describe(site: NodeJS.CallSite, stub: NodeJS.CallSite | undefined): string {
  const file = site.getFileName() ?? site.getScriptNameOrSourceURL();
  const where = file ? locate(file, site.getLineNumber() ?? 0, site.getColumnNumber() ?? 0) : undefined;
  if (!where) return String(site);
  const name = frameName(stub ?? site, site.getFunctionName() === BODY_NAME ? where.path?.split('/').at(-1) : undefined);
  return `${name} (${where.source}:${where.line}:${where.column})`;
}

export function formatStack(error: Error, sites: NodeJS.CallSite[]): string {
  const lines: string[] = [];
  for (let i = 0; i < sites.length; i++) {
    const site = sites[i]!;
    const next = sites[i + 1];
    // A `super.name(...)` helper (slots.ts): a method named after its cell, not a call the program made.
    if (site.getFunctionName()?.startsWith(SLOT_PREFIX)) continue;
    if (site.getFunctionName() === BODY_NAME && next && !site.isAsync()) {
      // The stub that called this body: one frame, the stub's name, the body's place.
      lines.push(`    at ${describe(site, next)}`);
      i++;
      continue;
    }
    lines.push(`    at ${describe(site, undefined)}`);
  }
  let head: string;
  try {
    head = Error.prototype.toString.call(error);
  } catch {
    head = '<error>';
  }
  return [head, ...lines].join('\n');
}

let installed = false;

/** Installs the formatter for the process (`baton run`). */
export function installStackTraces(): void {
  if (installed) return;
  installed = true;
  Error.prepareStackTrace = (error, sites) => formatStack(error, sites);
}
