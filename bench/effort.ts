// Authoring effort: the lines of update-specific code each release of the
// example programs needed. Transformer lines are the non-blank, non-comment
// lines of vN/baton.update.ts; hook lines are the statements that use
// import.meta.hot (from the line where the use starts to the line where its
// parentheses close), counted the same way.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/process.js';
import { printTable, rerunCommand, table, writeResults } from './lib/report.js';

const NAME = 'effort';

/** Lines that are neither blank nor only comment. */
function codeLines(text: string): string[] {
  const out: string[] = [];
  let inBlock = false;
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (inBlock) {
      const end = line.indexOf('*/');
      if (end < 0) continue;
      inBlock = false;
      line = line.slice(end + 2).trim();
    }
    while (line.startsWith('/*')) {
      const end = line.indexOf('*/', 2);
      if (end < 0) {
        inBlock = true;
        line = '';
        break;
      }
      line = line.slice(end + 2).trim();
    }
    if (line === '' || line.startsWith('//')) continue;
    out.push(line);
  }
  return out;
}

/** The code lines of every statement that uses import.meta.hot. */
function hookLines(text: string): string[] {
  const lines = codeLines(text);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.includes('import.meta.hot')) continue;
    let depth = 0;
    let j = i;
    for (; j < lines.length; j++) {
      for (const ch of lines[j]!) depth += ch === '(' || ch === '{' ? 1 : ch === ')' || ch === '}' ? -1 : 0;
      if (depth <= 0) break;
    }
    out.push(...lines.slice(i, j + 1));
    i = j;
  }
  return out;
}

interface Row {
  program: string;
  release: string;
  programLines: number;
  transformerLines: number;
  hookLines: number;
  newHookLines: number;
  hookFiles: string[];
}

const rows: Row[] = [];
for (const program of ['kv', 'http']) {
  const dir = join(ROOT, 'examples', program);
  const releases = readdirSync(dir).filter((d) => /^v\d+$/.test(d)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  let previousHooks = new Set<string>();
  for (const release of releases) {
    const files = readdirSync(join(dir, release)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    let programLines = 0;
    const hooks: string[] = [];
    const hookFiles: string[] = [];
    for (const f of files) {
      if (f === 'baton.update.ts') continue;
      const text = readFileSync(join(dir, release, f), 'utf8');
      programLines += codeLines(text).length;
      const h = hookLines(text);
      if (h.length > 0) hookFiles.push(f);
      hooks.push(...h.map((l) => `${f}:${l}`));
    }
    const spec = join(dir, release, 'baton.update.ts');
    const transformerLines = existsSync(spec) ? codeLines(readFileSync(spec, 'utf8')).length : 0;
    rows.push({ program, release, programLines, transformerLines, hookLines: hooks.length, newHookLines: hooks.filter((l) => !previousHooks.has(l)).length, hookFiles });
    previousHooks = new Set(hooks);
  }
}

let revision = 'unknown';
try {
  revision = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'examples'], { encoding: 'utf8' }).trim();
  if (dirty) revision += ' (examples/ with uncommitted changes)';
} catch {
  // not a git checkout
}

const header = ['program', 'release', 'program lines', 'transformer lines (baton.update.ts)', 'hook lines (import.meta.hot)', 'hook lines new in this release', 'hook files'];
const cells = rows.map((r) => [r.program, r.release, String(r.programLines), String(r.transformerLines), String(r.hookLines), String(r.newHookLines), r.hookFiles.join(', ') || '-']);
console.log('authoring effort (non-blank, non-comment lines)');
printTable(header, cells);
const totalUpdate = rows.reduce((a, r) => a + r.transformerLines + r.newHookLines, 0);
const totalProgram = rows.reduce((a, r) => a + r.programLines, 0);
const md = `### Authoring effort

\`\`\`sh
${rerunCommand(NAME)}
\`\`\`

Non-blank, non-comment lines, counted in the tree at ${revision}. *Transformer lines*: \`vN/baton.update.ts\` (the update from
vN-1; v1 has none, kv v5 is a patch and needs none). *Hook lines*: the statements that use \`import.meta.hot\` (a dispose
hook that clears a timer or closes the server), counted from the line where the use starts to where its call closes;
*new* = not already present, identical, in the previous release. *Program lines*: every other \`.ts\` file of the release.

${table(header, cells)}

All update-specific code across both programs' releases: ${totalUpdate} lines (transformers plus new hook lines), against ${totalProgram} program lines over all releases. No target is set for this figure.
`;
writeResults(NAME, md, { revision, rows, targets: [] });
