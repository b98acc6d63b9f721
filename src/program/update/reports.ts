import { BatonError, toErrorData, type ErrorData } from '../../protocol/errors.js';
import type { ModuleReport } from '../../protocol/outcome.js';
import { describeLive, firstLineOf } from '../../compare/live-plan.js';
import type { PreparedLive } from './live.js';
import type { PreparedModule } from './prepare.js';

// What an update reports of each module, as planned and once prepared, and of a failure before commit.

/** A changed module's report as planned, before anything is prepared. */
export function initialReport(m: PreparedModule): ModuleReport {
  const c = m.change;
  return {
    id: m.id,
    mechanism: c.kind === 'patch' ? 'patch' : c.kind === 'live' ? 'live' : c.kind === 'blocked' ? 'blocked' : c.kind === 'added' ? 'added' : 'removed',
    functions: c.kind === 'patch' || c.kind === 'blocked' || c.kind === 'live' ? c.functions : [],
    reasons: c.kind === 'blocked' ? c.reasons : c.kind === 'live' ? describeLive(c.plan) : [],
    bindings: [],
    classes: [],
  };
}

/** A live module's reasons once prepared: what its kept bindings hold (code takes the new value) and what the update file asked for. */
export function liveReasons(live: PreparedLive): string[] {
  const by = (why: string) => live.recompute.filter((r) => r.why === why).map((r) => r.name);
  const [code, reinit] = [by('code'), by('reinit')];
  const plan = { ...live.plan, kept: live.plan.kept.filter((n) => !code.includes(n) && !reinit.includes(n)) };
  const ran = new Set(live.runAfter.map((r) => firstLineOf(r.text)));
  return [
    ...describeLive({ ...plan, notRun: plan.notRun.filter((s) => !ran.has(s)) }),
    ...code.map((n) => `${n} takes the new value (it holds code)`),
    ...reinit.map((n) => `${n} takes its new initializer's value (reinit)`),
    ...[...ran].map((s) => `runs once after commit: ${s}`),
  ];
}

/** A failure during prepare, with the stack in `.ts` lines (Node maps them). */
export function failure(error: unknown): ErrorData {
  if (error instanceof BatonError) return toErrorData(error);
  const e = error instanceof Error ? error : new Error(String(error));
  return { code: 'E_PREPARE', message: `the new version failed before commit: ${e.message}`, hint: 'nothing was changed; fix the error and update again', ...(e.stack ? { stack: e.stack } : {}) };
}
