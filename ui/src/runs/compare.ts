/** Side-by-side comparison of two run reports (two runs, or a run and its naive baseline): rows with differences. */
import type { ReportLatency, ReportTotals, RunReport, ThresholdResult } from '../api/types';
import { formatCount, formatMs } from '../api/units';
import { formatByUnit, parseThreshold, unitOf, type MetricUnit } from './thresholds';

/** Which way is better for a figure: up (success), down (latency, losses) or neither (load offered). */
export type Better = 'higher' | 'lower' | 'neutral';

/** One compared figure. */
export interface CompareRow {
  key: string;
  unit: MetricUnit;
  a: number | null;
  b: number | null;
  /** b − a, or null when either side is missing. */
  diff: number | null;
  /** Which side is better, or null when equal, neutral or unknown. */
  winner: 'a' | 'b' | null;
  /** The side that looks better here but lost or duplicated writes the other kept: no win (never shown green). */
  hollow?: 'a' | 'b' | null;
}

/** One threshold compared by its expression; a side is null when that run did not have it. */
export interface ThresholdCompareRow extends CompareRow {
  expr: string;
  passA: boolean | null;
  passB: boolean | null;
}

/** Everything the compare view shows, in the order that matters: what was lost, then latency, then the rest. */
export interface ReportComparison {
  thresholds: ThresholdCompareRow[];
  /** Lost, duplicates, success rate. */
  outcome: CompareRow[];
  latency: CompareRow[];
  /** Everything else (retries, DLQ, counts, offered load). */
  totals: CompareRow[];
  /** What makes the comparison unfair (durations or scenarios that differ, a side that lost writes). */
  warnings: string[];
  /** The side that lost or duplicated more writes, if one did. */
  losesWrites: 'a' | 'b' | null;
}

const OUTCOME: { key: keyof ReportTotals; better: Better }[] = [
  { key: 'lost', better: 'lower' },
  { key: 'duplicates', better: 'lower' },
  { key: 'success_rate', better: 'higher' },
];

const TOTALS: { key: keyof ReportTotals; better: Better }[] = [
  { key: 'retry_success_rate', better: 'higher' },
  { key: 'dlq_pending', better: 'lower' },
  { key: 'retries', better: 'lower' },
  { key: 'succeeded', better: 'higher' },
  { key: 'failed', better: 'lower' },
  { key: 'logical_ops', better: 'neutral' },
  { key: 'req_per_s', better: 'neutral' },
];

const LATENCY: (keyof ReportLatency)[] = ['p50', 'p95', 'p99', 'max'];

/** Which way is better for a threshold metric, from its name. */
export function betterFor(metric: string): Better {
  if (metric.endsWith('_ms') || ['failed', 'retries', 'lost', 'duplicates', 'dlq_backlog', 'error_rate', 'rate_limited_share', 'auth_expired_surfaced'].includes(metric)) return 'lower';
  if (['success_rate', 'retry_success_rate', 'correct_rate', 'succeeded', 'req_per_s'].includes(metric)) return 'higher';
  return 'neutral';
}

const num = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function row(key: string, unit: MetricUnit, better: Better, av: number | null | undefined, bv: number | null | undefined): CompareRow {
  const a = num(av);
  const b = num(bv);
  const diff = a === null || b === null ? null : b - a;
  let winner: 'a' | 'b' | null = null;
  // Differences below a millionth are rounding, not a winner.
  if (diff !== null && better !== 'neutral' && Math.abs(diff) > 1e-6 * Math.max(1, Math.abs(a!), Math.abs(b!))) {
    winner = (better === 'higher') === diff > 0 ? 'b' : 'a';
  }
  return { key, unit, a, b, diff, winner };
}

/** Compares report `a` (left) with report `b` (right); thresholds are matched by expression, a's order first. */
export function compareReports(a: RunReport, b: RunReport): ReportComparison {
  const byExpr = (ts: ThresholdResult[]) => new Map(ts.map((t) => [t.expr, t]));
  const ta = byExpr(a.thresholds ?? []);
  const tb = byExpr(b.thresholds ?? []);
  const exprs = [...ta.keys(), ...[...tb.keys()].filter((e) => !ta.has(e))];
  const thresholds = exprs.map((expr): ThresholdCompareRow => {
    const metric = parseThreshold(expr)?.metric ?? expr;
    const x = ta.get(expr);
    const y = tb.get(expr);
    return { ...row(expr, unitOf(metric), betterFor(metric), x?.value, y?.value), expr, passA: x ? x.pass : null, passB: y ? y.pass : null };
  });
  const outcome = OUTCOME.map(({ key, better }) => row(key, unitOf(key), better, a.totals?.[key], b.totals?.[key]));
  const totals = TOTALS.map(({ key, better }) => row(key, unitOf(key), better, a.totals?.[key], b.totals?.[key]));
  const latency = LATENCY.map((k) => row(`${k}_ms`, 'ms', 'lower', a.latency_ms?.[k], b.latency_ms?.[k]));

  // A side that lost or duplicated writes the other kept wins nothing: fast answers and few retries are cheap when
  // writes are dropped. Its "better" cells lose their colour and say why.
  const harm = (r: RunReport) => (num(r.totals?.lost) ?? 0) + (num(r.totals?.duplicates) ?? 0);
  const losesWrites = harm(a) > harm(b) ? 'a' : harm(b) > harm(a) ? 'b' : null;
  if (losesWrites) {
    for (const r of [...thresholds, ...outcome.slice(2), ...latency, ...totals]) {
      if (r.winner === losesWrites) {
        r.winner = null;
        r.hollow = losesWrites;
      }
    }
  }
  const warnings: string[] = [];
  const da = num(a.duration_s);
  const db = num(b.duration_s);
  if (da != null && db != null && Math.abs(da - db) > 0.02 * Math.max(da, db)) {
    warnings.push(`The runs lasted ${Math.round(da)} s and ${Math.round(db)} s: counts (operations, retries, failures) are not comparable; compare rates and percentiles.`);
  }
  if (a.scenario && b.scenario && a.scenario !== b.scenario) warnings.push(`Different scenarios (${a.scenario} and ${b.scenario}): the load and the chaos differ.`);
  if (losesWrites) {
    const who = losesWrites === 'a' ? a : b;
    warnings.push(`One side lost ${formatCount(num(who.totals?.lost) ?? 0)} and duplicated ${formatCount(num(who.totals?.duplicates) ?? 0)} writes: where it looks better it is not a win.`);
  }
  return { thresholds, outcome, latency, totals, warnings, losesWrites };
}

/**
 * A difference with its sign and unit: `+12.3 ms`, `−4.2 pp` for rates (percentage points, never a relative %),
 * `+40` for counts; `—` when a side is missing.
 */
export function formatDiff(unit: MetricUnit, diff: number | null): string {
  if (diff === null) return '—';
  if (diff === 0) return '±0';
  const sign = diff > 0 ? '+' : '−';
  const a = Math.abs(diff);
  switch (unit) {
    case 'ms':
      return sign + formatMs(a);
    case 'rate':
      return `${sign}${(a * 100).toFixed(a * 100 < 0.1 ? 2 : 1)} pp`;
    case 'rps':
      return `${sign}${a.toFixed(1)} req/s`;
    case 'count':
      return sign + formatCount(a);
  }
}

/** A compared value with its unit, for the two columns. */
export function formatSide(r: CompareRow, side: 'a' | 'b'): string {
  const v = side === 'a' ? r.a : r.b;
  return v === null ? '—' : formatByUnit(r.unit, v);
}
