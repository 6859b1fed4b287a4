import { describe, expect, test } from 'vitest';
import { circuitLevel, col, connectorStatus, counterDelta, OVERALL, snapshotRow } from './rates';
import { parseInstant } from './time';
import { SAMPLE_METRICS } from './sample-metrics.fixture';
import type { CounterBlock, MetricsSnapshot } from './types';

function block(over: Partial<CounterBlock> = {}): CounterBlock {
  return {
    calls: 0,
    succeeded: 0,
    failed: 0,
    failures: {},
    attempts: 0,
    attempt_failures: {},
    retries: 0,
    rate_limited: 0,
    effective_success_rate: 1,
    actual_success_rate: 1,
    latency: { count: 0, p50_ms: 0, p95_ms: 0, p99_ms: 0, max_ms: 0 },
    events: {},
    ...over,
  };
}

function snap(at: string, overall: Partial<CounterBlock>, connectors: Record<string, Partial<CounterBlock>> = {}, extra: Partial<MetricsSnapshot> = {}): MetricsSnapshot {
  const cs: Record<string, CounterBlock> = {};
  for (const [k, v] of Object.entries(connectors)) cs[k] = block({ connector: k, ...v });
  return { at, overall: block(overall), connectors: cs, ...extra };
}

describe('parseInstant', () => {
  test('keeps nanoseconds beyond what Date.parse reads', () => {
    expect(parseInstant('2026-12-02T04:05:16.143435977Z')).toBeCloseTo(Date.UTC(2026, 11, 2, 4, 5, 16) / 1000 + 0.143435977, 6);
  });
  test('offsets and no fraction', () => {
    expect(parseInstant('2026-12-02T05:05:16+01:00')).toBe(Date.UTC(2026, 11, 2, 4, 5, 16) / 1000);
  });
  test('garbage is NaN', () => {
    expect(parseInstant('yesterday')).toBeNaN();
    expect(parseInstant(null)).toBeNaN();
  });
});

describe('counterDelta', () => {
  test('growth', () => expect(counterDelta(10, 15)).toBe(5));
  test('a counter that went down was reset: its value since the reset, never negative', () => {
    expect(counterDelta(1000, 7)).toBe(7);
    expect(counterDelta(1000, 0)).toBe(0);
  });
  test('unknown stays unknown', () => {
    expect(counterDelta(null, 5)).toBeNull();
    expect(counterDelta(5, undefined)).toBeNull();
    expect(counterDelta(5, NaN)).toBeNull();
  });
});

describe('circuitLevel', () => {
  test.each([
    ['closed', 0],
    ['CLOSED', 0],
    ['half_open', 1],
    ['HALF_OPEN', 1],
    ['half-open', 1],
    ['open', 2],
    ['FORCED_OPEN', 2],
    ['disabled', null],
    [null, null],
    [3, null],
  ])('%s -> %s', (s, n) => expect(circuitLevel(s)).toBe(n));
});

describe('snapshotRow', () => {
  const t0 = '2026-12-02T04:05:16.000Z';
  const t1 = '2026-12-02T04:05:17.000Z';
  const t3 = '2026-12-02T04:05:19.000Z';

  test('the first snapshot: rates unknown, gauges known', () => {
    const r = snapshotRow(null, snap(t0, { calls: 100, latency: { count: 5, p50_ms: 10, p95_ms: 20, p99_ms: 30, max_ms: 40 } }))!;
    expect(r.t).toBe(parseInstant(t0));
    expect(r.values[col(OVERALL, 'calls')]).toBeNull();
    expect(r.values[col(OVERALL, 'p99')]).toBe(30);
  });

  test('rates are deltas over the time between snapshots, actual vs effective', () => {
    const a = snap(t0, { calls: 100, attempts: 150, retries: 50, rate_limited: 3 });
    const b = snap(t3, { calls: 130, attempts: 210, retries: 80, rate_limited: 9 });
    const r = snapshotRow(a, b)!;
    expect(r.values[col(OVERALL, 'calls')]).toBe(10); // 30 calls over 3 s
    expect(r.values[col(OVERALL, 'attempts')]).toBe(20);
    expect(r.values[col(OVERALL, 'retries')]).toBe(10);
    expect(r.values[col(OVERALL, 'rate_limited')]).toBe(2);
  });

  test('a server restart (counters reset) gives no negative rate', () => {
    const a = snap(t0, { calls: 5000, attempts: 9000, attempt_failures: { server_error: 400 }, events: { token_refreshed: 30 } });
    const b = snap(t1, { calls: 4, attempts: 6, attempt_failures: { server_error: 1 }, events: { token_refreshed: 0 } });
    const r = snapshotRow(a, b)!;
    for (const [k, v] of Object.entries(r.values)) if (v != null) expect(v, k).toBeGreaterThanOrEqual(0);
    expect(r.values[col(OVERALL, 'calls')]).toBe(4);
    expect(r.values[col(OVERALL, 'err_server_error')]).toBe(1);
  });

  test('error classes per second from attempt_failures, missing keys are zero', () => {
    const a = snap(t0, {}, { stripe_mock: { attempt_failures: { server_error: 10 } } });
    const b = snap(t1, {}, { stripe_mock: { attempt_failures: { server_error: 17, timeout: 2 } } });
    const r = snapshotRow(a, b)!;
    expect(r.values[col('stripe_mock', 'err_server_error')]).toBe(7);
    expect(r.values[col('stripe_mock', 'err_timeout')]).toBe(2);
    expect(r.values[col('stripe_mock', 'err_rate_limit')]).toBe(0);
  });

  test('per connector and overall are separate columns', () => {
    const a = snap(t0, { calls: 10 }, { a: { calls: 4 }, b: { calls: 6 } });
    const b = snap(t1, { calls: 25 }, { a: { calls: 5 }, b: { calls: 20 } });
    const r = snapshotRow(a, b)!;
    expect(r.values[col(OVERALL, 'calls')]).toBe(15);
    expect(r.values[col('a', 'calls')]).toBe(1);
    expect(r.values[col('b', 'calls')]).toBe(14);
  });

  test('a connector added between snapshots starts from zero', () => {
    const a = snap(t0, {}, {});
    const b = snap(t1, {}, { fresh: { calls: 3 } });
    expect(snapshotRow(a, b)!.values[col('fresh', 'calls')]).toBe(3);
  });

  test('token refreshes and drift from the event counters', () => {
    const a = snap(t0, {}, { s: { events: { token_refreshed: 1 } } });
    const b = snap(t1, {}, { s: { events: { token_refreshed: 3, token_refresh_failed: 1, drift_detected: 1 } } });
    const r = snapshotRow(a, b)!;
    expect(r.values[col('s', 'token_refreshed')]).toBe(2);
    expect(r.values[col('s', 'token_refresh_failed')]).toBe(1);
    expect(r.values[col('s', 'drift')]).toBe(1);
  });

  test('bucket and circuit from the connector\'s stages, circuit mapped to 0/1/2', () => {
    const stages = { 'rate-limit': { tokens: 12, rate_rps: 40, learned_limit_rps: 44, burst: 50 }, circuit: { state: 'HALF_OPEN' } };
    const b = snap(t1, {}, { s: { stages } });
    const r = snapshotRow(null, b)!;
    expect(r.values[col('s', 'tokens')]).toBe(12);
    expect(r.values[col('s', 'rate_rps')]).toBe(40);
    expect(r.values[col('s', 'learned_rps')]).toBe(44);
    expect(r.values[col('s', 'circuit')]).toBe(1);
    expect(r.values[col(OVERALL, 'circuit')]).toBeNull();
  });

  test('the stages of a real GET /metrics answer are read', () => {
    const m = SAMPLE_METRICS;
    expect(connectorStatus(m, 'stripe_mock')).toMatchObject({ tokens: 49, rate_rps: 51.35, learned_limit_rps: 54.05, circuit: 'closed' });
    const r = snapshotRow(null, m)!;
    expect(r.values[col('stripe_mock', 'circuit')]).toBe(0);
    expect(r.values[col('stripe_mock', 'p99')]).toBe(2965.503);
    expect(r.values['dlq_pending']).toBeNull();
  });

  test('DLQ depth and oldest age from the dlq block (no pending: age 0)', () => {
    const r = snapshotRow(null, snap(t0, {}, {}, { dlq: { pending: 0, oldest_pending_age_s: null } }))!;
    expect(r.values['dlq_pending']).toBe(0);
    expect(r.values['dlq_oldest_s']).toBe(0);
    const r2 = snapshotRow(null, snap(t0, {}, {}, { dlq: { pending: 12, oldest_pending_age_s: 4.7 } }))!;
    expect(r2.values['dlq_oldest_s']).toBe(4.7);
  });

  test('a snapshot not newer than the previous one is refused', () => {
    const a = snap(t1, {});
    expect(snapshotRow(a, snap(t0, {}))).toBeNull();
    expect(snapshotRow(a, snap(t1, {}))).toBeNull();
    expect(snapshotRow(null, snap('nonsense', {}))).toBeNull();
  });

  test('no traffic yet: latency unknown rather than zero', () => {
    const r = snapshotRow(null, snap(t0, { latency: { count: 0, p50_ms: 0, p95_ms: 0, p99_ms: 0, max_ms: 0 } }))!;
    expect(r.values[col(OVERALL, 'p50')]).toBeNull();
  });
});
