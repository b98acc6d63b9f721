import type { ErrorData } from '../protocol/errors.js';
import type { CompiledBy, UpdateOutcome, ModuleReport } from '../protocol/outcome.js';
import type { PrecompileSummary } from './precompile.js';
import type { ProgramInfo } from '../protocol/messages.js';
import type { ListedProgram } from './targets.js';
import type { HandoffOutcome, Untransferable } from '../protocol/handoff.js';

/** The one place outcomes and errors are turned into text for people. */
export function renderError(error: ErrorData): string {
  const lines = [`baton: ${error.message} [${error.code}]`];
  if (error.hint) lines.push(`  ${error.hint}`);
  if (error.stack && error.code === 'E_INTERNAL') lines.push(error.stack);
  return lines.join('\n');
}

/** `precompile`: what the command compiled before the request (remote.ts), when it did. */
export function renderOutcome(outcome: UpdateOutcome, precompile?: PrecompileSummary): string {
  const lines: string[] = [];
  switch (outcome.status) {
    case 'applied':
      lines.push(`applied: ${outcome.from.label} (${outcome.from.hash}) -> ${outcome.to.label} (${outcome.to.hash})`);
      lines.push(`  pause ${outcome.timing.pauseMs.toFixed(2)} ms (commit ${outcome.timing.commitMs.toFixed(2)} ms), total ${outcome.timing.totalMs.toFixed(0)} ms`);
      break;
    case 'planned':
      lines.push(`plan (dry run, nothing changed) from ${outcome.from.label} (${outcome.from.hash})`);
      break;
    case 'refused':
      lines.push(...renderRefusal(outcome.reason));
      break;
    case 'aborted':
      lines.push(`aborted: ${outcome.reason.message} [${outcome.reason.code}]`, `  the old version (${outcome.from.label} ${outcome.from.hash}) is still running on its old state`);
      if (outcome.reason.hint) lines.push(`  ${outcome.reason.hint}`);
      if (outcome.reason.stack) lines.push(indent(outcome.reason.stack));
      break;
  }
  if (outcome.modules.length === 0 && outcome.status !== 'refused') lines.push('  no module changed');
  for (const m of outcome.modules) lines.push(...renderModule(m));
  if ('warnings' in outcome) for (const w of outcome.warnings) lines.push(`  warning: ${w}`);
  if ('compiled' in outcome && outcome.compiled) lines.push(...renderCompiled(outcome.compiled, precompile));
  return lines.join('\n');
}

/** Where the changed modules were compiled: before the request by this command (outside the pause), or by the program. */
function renderCompiled(compiled: CompiledBy, precompile: PrecompileSummary | undefined): string[] {
  const lines: string[] = [];
  if (compiled.cli.length > 0) lines.push(`  compiled before the request: ${compiled.cli.join(', ')}${precompile ? ` (${precompile.ms.toFixed(0)} ms in this command)` : ''}`);
  if (compiled.program.length > 0) lines.push(`  compiled by the program: ${compiled.program.join(', ')}`);
  return lines;
}

function renderModule(m: ModuleReport): string[] {
  const lines = [`  ${m.mechanism.padEnd(7)} ${m.id}${m.reasons.length > 0 ? `  (${m.reasons.join('; ')})` : ''}`];
  for (const f of m.functions) {
    const notes = [
      f.oldFrames ? `${f.oldFrames} suspended call(s) finish the old body` : '',
      f.newCaptures && f.newCaptures.length > 0 ? `closures made before keep the old body (the new one reads ${f.newCaptures.join(', ')})` : '',
    ].filter(Boolean);
    lines.push(`            ${f.change} ${f.name}${notes.length > 0 ? `: ${notes.join('; ')}` : ''}`);
  }
  const carried = m.bindings.filter((b) => b.how !== 'fresh');
  if (carried.length > 0) lines.push(`            state: ${carried.map((b) => `${b.name} ${b.how}`).join(', ')}`);
  for (const c of m.classes) lines.push(`            class ${c.name}: ${c.mode}${c.mode === 'methods' ? '' : `, ${c.instances} instance(s) migrated at commit`}`);
  return lines;
}

export function renderPrograms(programs: readonly ListedProgram[]): string {
  if (programs.length === 0) return 'no running programs';
  const rows = [['NAME', 'PID', 'VERSION', 'UPTIME', 'ENTRY']];
  for (const listed of programs) {
    if (!listed.answering) {
      // The name and version are the program's answer, which did not come.
      rows.push(['?', String(listed.pid), '?', '?', `not answering: ${listed.error.message.replace(/^the program at \S+ /, '')} [${listed.error.code}]`]);
      continue;
    }
    const p = listed.info;
    rows.push([p.name, String(p.pid), `${p.version.label} ${p.version.hash}`, duration(p.uptimeMs), p.entry]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function renderStatus(p: ProgramInfo): string {
  const lines = [
    `${p.name} (pid ${p.pid}, node ${p.node})`,
    `  entry    ${p.entry}`,
    `  version  ${p.version.label} ${p.version.hash} (${p.version.dir})`,
    `  uptime   ${duration(p.uptimeMs)}`,
    `  socket   ${p.socket}`,
    `  memory   heap ${(p.memory.heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(p.memory.rss / 2 ** 20).toFixed(1)} MiB`,
  ];
  for (const s of p.sweeps) lines.push(`  lazy     ${s.module} ${s.className}: ${s.migrated} migrated, sweep ${s.doneMs === null ? 'running' : `done in ${s.doneMs.toFixed(0)} ms`}`);
  // Older programs answer without these fields.
  if (p.update) lines.push(`  updating ${p.update.kind} in progress: ${p.update.phase} phase, ${(p.update.elapsedMs / 1000).toFixed(1)} s so far`);
  for (const f of p.failures ?? []) lines.push(`  failed   ${f.module} ${f.className}: the transformer failed on ${f.instances} instance(s) after commit; they keep their old fields (last: ${f.message})`);
  lines.push(`  history  ${p.history.length === 0 ? 'no updates yet' : ''}`);
  for (const h of p.history) lines.push(`    ${new Date(h.at).toISOString()}  ${h.kind} ${h.status}: ${h.from} -> ${h.to}  ${h.summary}`);
  return lines.join('\n');
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}

export function renderHandoff(outcome: HandoffOutcome): string {
  const lines: string[] = [];
  switch (outcome.status) {
    case 'applied': {
      const t = outcome.transfer;
      lines.push(`${outcome.rollback ? 'rolled back by a hand-off' : 'handed off'}: ${outcome.from.label} (${outcome.from.hash}) -> ${outcome.to.label} (${outcome.to.hash}), now pid ${outcome.pid} on node ${outcome.node}`);
      lines.push(`  no request served for ${outcome.pauseMs.toFixed(1)} ms; steps: ${outcome.steps.map((s) => `${s.name} ${s.ms.toFixed(1)} ms`).join(', ')}`);
      lines.push(`  state: ${(t.bytes / 1e6).toFixed(2)} MB, ${t.instances} class instance(s); serialize ${t.serializeMs.toFixed(1)} ms, send ${t.sendMs.toFixed(1)} ms, restore ${t.restoreMs.toFixed(1)} ms (${t.rateMBps.toFixed(0)} MB/s)`);
      lines.push(`  connections: ${outcome.connections.passed} idle passed, ${outcome.connections.closed} closed gracefully`);
      const byModule = new Map<string, string[]>();
      for (const b of t.bindings) byModule.set(b.module, [...(byModule.get(b.module) ?? []), `${b.name} ${b.how}${b.note ? ` (${b.note})` : ''}`]);
      for (const [id, bs] of byModule) lines.push(`  state   ${id}: ${bs.join(', ')}`);
      lines.push(`  the old process (pid ${outcome.parentPid}) stays as a thin parent: it forwards signals and exits with the new one`);
      for (const w of outcome.warnings) lines.push(`  warning: ${w}`);
      break;
    }
    case 'planned':
      lines.push(`hand-off plan (dry run, nothing changed) from ${outcome.from.label} (${outcome.from.hash}): ${outcome.bindings} top-level binding(s)`);
      if (outcome.untransferable.length === 0) lines.push('  all state can move to a new process');
      for (const u of outcome.untransferable) lines.push(`  cannot move: ${u.module} ${u.binding}${u.path}: ${u.what}`);
      break;
    case 'refused':
      lines.push(...renderRefusal(outcome.reason));
      break;
    case 'aborted':
      lines.push(`aborted: ${outcome.reason.message} [${outcome.reason.code}]`, `  the new process was stopped; the old one (${outcome.from.label} ${outcome.from.hash}) serves on, its state untouched`);
      if (outcome.steps.length > 0) lines.push(`  steps done: ${outcome.steps.map((s) => `${s.name} ${s.ms.toFixed(1)} ms`).join(', ')}`);
      if (outcome.reason.hint) lines.push(`  ${outcome.reason.hint}`);
      break;
  }
  return lines.join('\n');
}

/** `baton diff --handoff`: the state a hand-off could not move, at file:line. */
export function renderHandoffState(found: ReadonlyArray<Untransferable & { readonly file: string; readonly line: number }>): string {
  if (found.length === 0) return '\nhand-off: all state of the old version can move to a new process\n';
  const lines = ['', 'hand-off: state that cannot move to a new process (give each a `reinit` entry in baton.update.ts, or keep it out of module state):'];
  for (const u of found) lines.push(`  ${u.file}:${u.line} ${u.binding}${u.path}: ${u.what}`);
  return `${lines.join('\n')}\n`;
}

/** A refusal, update or hand-off alike: nothing was touched. */
function renderRefusal(reason: ErrorData): string[] {
  return [`refused: ${reason.message} [${reason.code}]`, '  nothing was changed', ...(reason.hint ? [`  ${reason.hint}`] : [])];
}
