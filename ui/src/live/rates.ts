/**
 * Turns the mesh's cumulative `metrics` snapshots (one a second) into per-second points: rates from counter deltas,
 * gauges (latency percentiles, bucket, circuit, DLQ) as they are. One row per snapshot, one column per
 * `<scope>:<field>` where the scope is `overall` or a connector id.
 */
import { parseInstant } from './time';
import { ERROR_CLASSES, type ConnectorLiveStatus, type CounterBlock, type MetricsSnapshot } from './types';

/** The scope of the whole mesh (every connector together). */
export const OVERALL = 'overall';

/** Fields every scope has. Rates are per second; latency in ms; circuit 0 closed, 1 half-open, 2 open. */
export const SCOPE_FIELDS = [
  'calls',
  'attempts',
  'p50',
  'p95',
  'p99',
  'max',
  ...ERROR_CLASSES.map((c) => `err_${c}`),
  'retries',
  'rate_limited',
  'tokens',
  'rate_rps',
  'learned_rps',
  'circuit',
  'token_refreshed',
  'token_refresh_failed',
  'drift',
] as const;

/** Columns that belong to no scope. */
export const GLOBAL_FIELDS = ['dlq_pending', 'dlq_oldest_s'] as const;

/** The column name of a scope's field, e.g. `stripe_mock:p99`. */
export function col(scope: string, field: string): string {
  return `${scope}:${field}`;
}

/** One row of the series: its time (epoch seconds) and the value of each column (null: unknown). */
export interface Row {
  t: number;
  values: Record<string, number | null>;
}

/**
 * How much a cumulative counter grew. A counter that went down was reset (the server restarted): what it counts
 * now is all that happened since, so the growth is its current value, never negative.
 */
export function counterDelta(prev: number | null | undefined, cur: number | null | undefined): number | null {
  if (cur == null || !Number.isFinite(cur)) return null;
  if (prev == null || !Number.isFinite(prev)) return null;
  return cur >= prev ? cur - prev : cur;
}

/** Circuit state as a number for a step chart: closed 0, half-open 1, open 2; null when unknown or disabled. */
export function circuitLevel(state: unknown): number | null {
  if (typeof state !== 'string') return null;
  const s = state.toLowerCase().replace(/[-\s]/g, '_');
  if (s === 'closed') return 0;
  if (s === 'half_open') return 1;
  if (s === 'open' || s === 'forced_open') return 2;
  return null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A connector's limiter/circuit/auth state, read from its `stages` in the snapshot (as `GET /metrics` carries them). */
export function connectorStatus(s: MetricsSnapshot, id: string): ConnectorLiveStatus | null {
  const stages = s.connectors[id]?.stages;
  if (!stages) return null;
  const rl = stages['rate-limit'] ?? {};
  const auth = stages['auth'] ?? {};
  return {
    tokens: num(rl['tokens']),
    rate_rps: num(rl['rate_rps']),
    learned_limit_rps: num(rl['learned_limit_rps']),
    burst: num(rl['burst']),
    circuit: typeof stages['circuit']?.['state'] === 'string' ? (stages['circuit']['state'] as string) : null,
    token_expires_at: typeof auth['token_expires_at'] === 'string' ? (auth['token_expires_at'] as string) : null,
  };
}

function rate(prev: number | undefined | null, cur: number | undefined | null, dt: number | null): number | null {
  if (dt == null) return null;
  const d = counterDelta(prev ?? 0, cur ?? 0);
  return d == null ? null : d / dt;
}

function scopeValues(
  out: Record<string, number | null>,
  scope: string,
  prev: CounterBlock | undefined,
  cur: CounterBlock,
  dt: number | null,
): void {
  // A scope absent from the previous snapshot (a connector just added) starts from zero counters.
  const p: Partial<CounterBlock> = prev ?? {};
  const rateOf = (get: (b: Partial<CounterBlock>) => number | undefined) =>
    rate(prev ? get(p) : 0, get(cur), dt);
  out[col(scope, 'calls')] = rateOf((b) => b.calls);
  out[col(scope, 'attempts')] = rateOf((b) => b.attempts);
  const lat = cur.latency;
  const seen = lat && (lat.count === undefined || lat.count > 0);
  out[col(scope, 'p50')] = seen ? num(lat.p50_ms) : null;
  out[col(scope, 'p95')] = seen ? num(lat.p95_ms) : null;
  out[col(scope, 'p99')] = seen ? num(lat.p99_ms) : null;
  out[col(scope, 'max')] = seen ? num(lat.max_ms) : null;
  for (const c of ERROR_CLASSES) out[col(scope, `err_${c}`)] = rateOf((b) => b.attempt_failures?.[c]);
  out[col(scope, 'retries')] = rateOf((b) => b.retries);
  out[col(scope, 'rate_limited')] = rateOf((b) => b.rate_limited);
  out[col(scope, 'token_refreshed')] = rateOf((b) => b.events?.['token_refreshed']);
  out[col(scope, 'token_refresh_failed')] = rateOf((b) => b.events?.['token_refresh_failed']);
  out[col(scope, 'drift')] = rateOf((b) => b.events?.['drift_detected']);
}

/**
 * The row of `cur`, given the snapshot before it (null for the first one: rates are then unknown, gauges known).
 * Returns null when `cur` has no usable time or is not after `prev`.
 */
export function snapshotRow(prev: MetricsSnapshot | null, cur: MetricsSnapshot): Row | null {
  const t = parseInstant(cur.at);
  if (!Number.isFinite(t)) return null;
  let dt: number | null = null;
  if (prev) {
    const pt = parseInstant(prev.at);
    if (Number.isFinite(pt)) {
      if (t <= pt) return null;
      dt = t - pt;
    }
  }
  const values: Record<string, number | null> = {};
  scopeValues(values, OVERALL, prev?.overall, cur.overall, dt);
  for (const id of Object.keys(cur.connectors ?? {})) {
    scopeValues(values, id, prev ? (prev.connectors?.[id] ?? undefined) : undefined, cur.connectors[id], dt);
    const st = connectorStatus(cur, id);
    values[col(id, 'tokens')] = num(st?.tokens);
    values[col(id, 'rate_rps')] = num(st?.rate_rps);
    values[col(id, 'learned_rps')] = num(st?.learned_limit_rps);
    values[col(id, 'circuit')] = circuitLevel(st?.circuit);
  }
  // The overall scope has no single bucket or circuit: the charts show one line per connector instead.
  for (const f of ['tokens', 'rate_rps', 'learned_rps', 'circuit']) values[col(OVERALL, f)] = null;
  values['dlq_pending'] = num(cur.dlq?.pending);
  values['dlq_oldest_s'] = cur.dlq ? (num(cur.dlq.oldest_pending_age_s) ?? 0) : null;
  return { t, values };
}
