/** Threshold verdicts for display: `expr` split into metric / scope / operator / limit, values with their units. */
import type { ThresholdResult } from '../api/types';
import { formatCount, formatMs, formatPct, formatRps } from '../api/units';

/** A threshold's comparison operator. */
export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A threshold expression split into its parts (the harness's k6-like syntax). */
export interface ParsedThreshold {
  metric: string;
  /** null: the whole run; '*': every connector (the worst one is reported); else a connector id. */
  connector: string | null;
  op: ThresholdOp;
  /** The limit as a number (`99%` is 0.99, as the harness reads it). */
  limit: number;
}

/** How a metric's values are shown. */
export type MetricUnit = 'ms' | 'rate' | 'rps' | 'count';

// Same grammar as harness Threshold.SYNTAX (operators longest first so "<=" is not read as "<").
const SYNTAX = /^\s*([a-z_0-9]+)\s*(?:\{\s*connector\s*=\s*([a-z_0-9*]+)\s*\})?\s*(<=|>=|==|!=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*(%?)\s*$/;

/** Parses an expression like `p99_ms{connector=stripe_mock} < 2000`; null when it does not follow the syntax. */
export function parseThreshold(expr: string): ParsedThreshold | null {
  const m = SYNTAX.exec(expr.toLowerCase());
  if (!m) return null;
  let limit = Number(m[4]);
  if (m[5] === '%') limit /= 100;
  return { metric: m[1], connector: m[2] ?? null, op: m[3] as ThresholdOp, limit };
}

const RATES = new Set(['success_rate', 'error_rate', 'retry_success_rate', 'rate_limited_share', 'correct_rate']);

/** The unit of a metric by its name: `*_ms` → ms, `*_rate`/`*_share` → %, `req_per_s` → req/s, else a count. */
export function unitOf(metric: string): MetricUnit {
  if (metric.endsWith('_ms')) return 'ms';
  if (RATES.has(metric) || metric.endsWith('_rate') || metric.endsWith('_share')) return 'rate';
  if (metric === 'req_per_s' || metric.endsWith('_per_s')) return 'rps';
  return 'count';
}

/** A value of a metric with its unit; `not measured` when the run had nothing to measure. */
export function formatMetric(metric: string, value: number | null | undefined): string {
  return formatByUnit(unitOf(metric), value);
}

/** A value in a unit; `not measured` when missing. */
export function formatByUnit(unit: MetricUnit, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'not measured';
  switch (unit) {
    case 'ms':
      return formatMs(value);
    case 'rate':
      return formatPct(value);
    case 'rps':
      return formatRps(value);
    case 'count':
      return formatCount(value);
  }
}

const OP_TEXT: Record<ThresholdOp, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=', '!=': '≠' };

/** One threshold ready for a table row. */
export interface ThresholdView {
  expr: string;
  pass: boolean;
  /** What is measured, e.g. `p99_ms` or `req_per_s (every connector)`. */
  metric: string;
  /** The condition in readable form, e.g. `< 2,000 ms`, `> 80.0 %`. */
  condition: string;
  /** The measured value with its unit. */
  value: string;
  /** ✓ or ✗. */
  mark: '✓' | '✗';
}

/** Turns a report's threshold into what the page shows; an unreadable expression is shown as written. */
export function thresholdView(t: ThresholdResult): ThresholdView {
  const p = parseThreshold(t.expr);
  const mark = t.pass ? '✓' : '✗';
  if (!p) return { expr: t.expr, pass: t.pass, metric: t.expr, condition: '', value: t.value === null ? 'not measured' : String(t.value), mark };
  const scope = p.connector === null ? '' : p.connector === '*' ? ' (every connector)' : ` (${p.connector})`;
  return {
    expr: t.expr,
    pass: t.pass,
    metric: p.metric + scope,
    condition: `${OP_TEXT[p.op]} ${formatMetric(p.metric, p.limit)}`,
    value: formatMetric(p.metric, t.value),
    mark,
  };
}

/** Counts of passed and failed thresholds. */
export function verdictCounts(ts: ThresholdResult[]): { passed: number; failed: number } {
  const passed = ts.filter((t) => t.pass).length;
  return { passed, failed: ts.length - passed };
}
