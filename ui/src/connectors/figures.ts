/** Per-connector figures for the list and detail: error share, error breakdown by class, bucket and token text. */
import type { MetricsFigures, RateLimitStatus } from '../api/types';
import { formatSeconds } from '../api/units';

/** Share of logical calls that failed, or null before any call. */
export function errorShare(m: Pick<MetricsFigures, 'calls' | 'failed'> | undefined): number | null {
  if (!m || !m.calls) return null;
  return m.failed / m.calls;
}

/** One error class: failed logical calls (what callers saw) and failed attempts (what retries absorbed too). */
export interface ErrorRow {
  errorClass: string;
  calls: number;
  attempts: number;
}

/** Error classes with any failure, most failed attempts first (ties: most failed calls, then name). */
export function errorBreakdown(m: Pick<MetricsFigures, 'failures' | 'attempt_failures'> | undefined): ErrorRow[] {
  if (!m) return [];
  const classes = new Set([...Object.keys(m.failures ?? {}), ...Object.keys(m.attempt_failures ?? {})]);
  return [...classes]
    .map((c) => ({ errorClass: c, calls: m.failures?.[c] ?? 0, attempts: m.attempt_failures?.[c] ?? 0 }))
    .filter((r) => r.calls > 0 || r.attempts > 0)
    .sort((a, b) => b.attempts - a.attempts || b.calls - a.calls || a.errorClass.localeCompare(b.errorClass));
}

/** The bucket in one line: `48/50 tokens @ 51.4 rps`. */
export function bucketText(b: RateLimitStatus | undefined): string {
  if (!b) return '—';
  const burst = b.burst !== undefined ? `/${b.burst}` : '';
  return `${Math.floor(b.tokens)}${burst} tokens @ ${b.rate_rps.toFixed(1)} rps`;
}

/** A token's remaining life: `expires in 4m 51s`, `expired 3.0 s ago`, or null when the connector holds no token. */
export function tokenCountdown(secondsLeft: number | null): string | null {
  if (secondsLeft === null) return null;
  return secondsLeft >= 0 ? `expires in ${formatSeconds(secondsLeft)}` : `expired ${formatSeconds(-secondsLeft)} ago`;
}
