import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The conformance corpus: which vendored test262 tests run, how a test's
 * frontmatter is read, and the fixed subset `npm test` runs.
 *
 * This file is imported by `node --test dist/test/` like every .js under
 * dist/test, so it has no side effects.
 */

/** The repository root (this file runs from dist/test/conformance/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/**
 * The vendored tests. A dot-directory: tsc's `include` wildcards skip it and
 * it never reaches dist/, so `node --test dist/test/` cannot pick a test262
 * file up as a test of its own.
 */
export const CORPUS_DIR = join(ROOT, 'test', 'conformance', '.test262');
export const KNOWN_DIFFERENCES_FILE = join(ROOT, 'test', 'conformance', 'known-differences.json');

export interface Meta {
  readonly flags: readonly string[];
  readonly features: readonly string[];
  readonly includes: readonly string[];
  readonly negative?: { readonly phase: string; readonly type: string };
}

function list(frontmatter: string, key: string): string[] {
  // Either `key: [a, b]` (possibly over several lines) or a YAML block list.
  const inline = new RegExp(`^${key}:\\s*\\[([^\\]]*)\\]`, 'm').exec(frontmatter);
  if (inline) return inline[1]!.split(',').map((s) => s.trim()).filter(Boolean);
  const block = new RegExp(`^${key}:\\s*\\n((?:\\s+-\\s*.+\\n?)+)`, 'm').exec(frontmatter);
  if (block) return block[1]!.split('\n').map((s) => s.replace(/^\s*-\s*/, '').trim()).filter(Boolean);
  return [];
}

export function parseMeta(source: string): Meta {
  const m = /\/\*---([\s\S]*?)---\*\//.exec(source);
  const fm = m ? m[1]! : '';
  const neg = /^negative:\s*\n((?:[ \t]+.*\n?)+)/m.exec(fm);
  let negative: Meta['negative'];
  if (neg) {
    const phase = /phase:\s*(\S+)/.exec(neg[1]!)?.[1];
    const type = /type:\s*(\S+)/.exec(neg[1]!)?.[1];
    if (phase && type) negative = { phase, type };
  }
  return { flags: list(fm, 'flags'), features: list(fm, 'features'), includes: list(fm, 'includes'), ...(negative ? { negative } : {}) };
}

/**
 * Features Node 20 (V8 11.3) does not have, or that need a host capability
 * this runner does not provide (another realm). Checked against node 20.20:
 * the syntax ones are SyntaxErrors, the library ones are missing.
 */
export const UNSUPPORTED_FEATURES: Readonly<Record<string, string>> = {
  decorators: 'syntax Node 20 does not parse',
  'explicit-resource-management': 'syntax Node 20 does not parse',
  'regexp-modifiers': 'syntax Node 20 does not parse',
  'regexp-duplicate-named-groups': 'syntax Node 20 does not parse',
  'source-phase-imports': 'syntax Node 20 does not parse',
  'import-defer': 'syntax Node 20 does not parse',
  'tail-call-optimization': 'V8 does not implement proper tail calls',
  'cross-realm': 'needs $262.createRealm',
  'iterator-helpers': 'not in Node 20',
  'set-methods': 'not in Node 20',
  'array-grouping': 'not in Node 20',
  'promise-with-resolvers': 'not in Node 20',
  'arraybuffer-transfer': 'not in Node 20',
  Float16Array: 'not in Node 20',
  'Array.fromAsync': 'not in Node 20',
  ShadowRealm: 'not in Node 20',
  Temporal: 'not in Node 20',
};

/** Why a test is not part of the corpus, or undefined when it is. */
export function skipReason(meta: Meta): string | undefined {
  // Tests run as modules (strict): a test that needs sloppy mode cannot.
  if (meta.flags.includes('noStrict')) return 'flags: noStrict (tests run as modules, strict)';
  if (meta.flags.includes('raw')) return 'flags: raw (cannot take the harness)';
  if (meta.flags.includes('CanBlockIsFalse') || meta.flags.includes('CanBlockIsTrue')) return 'flags: CanBlock*';
  for (const f of meta.features) if (Object.hasOwn(UNSUPPORTED_FEATURES, f)) return `feature ${f}: ${UNSUPPORTED_FEATURES[f]}`;
  return undefined;
}

export interface CorpusTest {
  /** Path inside the test262 tree: `test/language/...`. */
  readonly path: string;
  readonly source: string;
  readonly meta: Meta;
}

/** Every vendored test, in a fixed (sorted) order; fixtures are not tests. */
export function listCorpus(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js') && !e.name.includes('_FIXTURE')) out.push(relative(CORPUS_DIR, p).split(sep).join('/'));
    }
  };
  walk(join(CORPUS_DIR, 'test'));
  return out.sort();
}

export function readTest(path: string): CorpusTest {
  const source = readFileSync(join(CORPUS_DIR, path), 'utf8');
  return { path, source, meta: parseMeta(source) };
}

/**
 * The subset `npm test` runs: every SUBSET_STRIDE-th test of the sorted
 * corpus (so every directory is represented), a fixed list.
 */
export const SUBSET_STRIDE = 6;
export function subsetOf(all: readonly string[]): string[] {
  return all.filter((_, i) => i % SUBSET_STRIDE === 0);
}

export function commitOfCorpus(): string {
  return readFileSync(join(CORPUS_DIR, 'COMMIT'), 'utf8').trim();
}
