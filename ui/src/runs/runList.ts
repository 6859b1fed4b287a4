/** Run history helpers: order, duration and verdict of a run summary; the baselines of a report. */
import type { RunReport, RunSummary } from '../api/types';

/** Newest first by start time; runs with an unreadable start go last, ties keep the server's order. */
export function sortRunsNewestFirst(runs: RunSummary[]): RunSummary[] {
  const t = (r: RunSummary) => {
    const v = Date.parse(r.started);
    return Number.isNaN(v) ? -Infinity : v;
  };
  return runs
    .map((r, i) => ({ r, i }))
    .sort((x, y) => t(y.r) - t(x.r) || x.i - y.i)
    .map((x) => x.r);
}

/** Seconds a run took, or has taken so far (while running, measured to `now`); null when unknown. */
export function runDurationSeconds(r: Pick<RunSummary, 'started' | 'finished' | 'state'>, now: number): number | null {
  const s = Date.parse(r.started);
  if (Number.isNaN(s)) return null;
  if (r.finished) {
    const f = Date.parse(r.finished);
    return Number.isNaN(f) ? null : Math.max(0, (f - s) / 1000);
  }
  return r.state === 'running' ? Math.max(0, (now - s) / 1000) : null;
}

/** The verdict of a run: passed, failed, or null while running or when it ended without one (stopped, error). */
export function runVerdict(r: Pick<RunSummary, 'state' | 'passed'>): boolean | null {
  if (typeof r.passed === 'boolean') return r.passed;
  if (r.state === 'passed') return true;
  if (r.state === 'failed') return false;
  return null;
}

/** The run ids ticked for comparison after a toggle: at most two, the oldest tick dropped for a third. */
export function toggleCompare(selected: string[], id: string): string[] {
  if (selected.includes(id)) return selected.filter((s) => s !== id);
  return [...selected, id].slice(-2);
}

/**
 * A report's baselines as [name, report] pairs in the order they ran: `baselines` when the server wrote it, else the
 * single `baseline` of an older report (named by its target, `naive` when it has none).
 */
export function reportBaselines(r: Pick<RunReport, 'baseline' | 'baselines'>): [string, RunReport][] {
  if (r.baselines && Object.keys(r.baselines).length > 0) return Object.entries(r.baselines);
  return r.baseline ? [[r.baseline.target ?? 'naive', r.baseline]] : [];
}
