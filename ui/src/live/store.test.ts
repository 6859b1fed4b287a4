import { describe, expect, test } from 'vitest';
import { col, OVERALL } from './rates';
import { SeriesStore } from './store';
import type { CounterBlock, MetricsSnapshot } from './types';

function block(calls: number): CounterBlock {
  return {
    calls,
    succeeded: calls,
    failed: 0,
    failures: {},
    attempts: calls,
    attempt_failures: {},
    retries: 0,
    rate_limited: 0,
    effective_success_rate: 1,
    actual_success_rate: 1,
    latency: { count: 1, p50_ms: 1, p95_ms: 2, p99_ms: calls === 500 ? 9000 : 3, max_ms: 4 },
    events: {},
  };
}

function snap(sec: number, calls: number, connectors: string[] = ['a']): MetricsSnapshot {
  const at = new Date(Date.UTC(2026, 0, 1) + sec * 1000).toISOString();
  return { at, overall: block(calls), connectors: Object.fromEntries(connectors.map((c) => [c, block(calls)])) };
}

describe('SeriesStore', () => {
  test('one row per snapshot, rates per second, listeners told', () => {
    const s = new SeriesStore();
    let told = 0;
    const off = s.subscribe(() => told++);
    s.ingest(snap(0, 0));
    s.ingest(snap(1, 10));
    s.ingest(snap(2, 30));
    expect(s.t).toHaveLength(3);
    expect(s.column(col(OVERALL, 'calls'))).toEqual([null, 10, 20]);
    expect(told).toBe(3);
    off();
    s.ingest(snap(3, 30));
    expect(told).toBe(3);
  });

  test('a repeated or older snapshot is ignored', () => {
    const s = new SeriesStore();
    expect(s.ingest(snap(5, 0))).toBe(true);
    expect(s.ingest(snap(5, 0))).toBe(false);
    expect(s.ingest(snap(4, 0))).toBe(false);
    expect(s.t).toHaveLength(1);
  });

  test('a connector that appears later is backfilled with nulls; every column has the axis length', () => {
    const s = new SeriesStore();
    s.ingest(snap(0, 0, ['a']));
    s.ingest(snap(1, 5, ['a', 'b']));
    expect(s.column(col('b', 'calls'))).toEqual([null, 5]);
    expect(s.column('never:seen')).toEqual([null, null]);
    expect(s.has(col('b', 'calls'))).toBe(true);
  });

  test('a one-hour run never holds more than the budget, keeps the last minutes and the spike', () => {
    const s = new SeriesStore({ budget: 600, fullResolutionS: 120 });
    for (let i = 0; i < 3600; i++) s.ingest(snap(i, i === 500 ? 500 : i * 10));
    expect(s.t.length).toBeLessThanOrEqual(600);
    const t0 = Date.UTC(2026, 0, 1) / 1000;
    expect(s.t[0]).toBe(t0); // the whole hour is still covered
    expect(s.t[s.t.length - 1]).toBe(t0 + 3599);
    const last = s.t.slice(-120);
    expect(last[119] - last[0]).toBe(119); // the last two minutes at one point a second
    expect(Math.max(...(s.column(col(OVERALL, 'p99')) as number[]))).toBe(9000);
    for (const name of [col(OVERALL, 'calls'), col('a', 'p99'), 'dlq_pending']) expect(s.column(name)).toHaveLength(s.t.length);
  });

  test('markers are merged and announced', () => {
    const s = new SeriesStore();
    let told = 0;
    s.subscribe(() => told++);
    s.addMarkers([{ t: 2, kind: 'drift', connector: null, label: 'x' }]);
    s.addMarkers([{ t: 2, kind: 'drift', connector: null, label: 'x' }]);
    s.addMarkers([]);
    expect(s.markers).toHaveLength(1);
    expect(told).toBe(1);
  });
});

describe('SeriesStore.prefill (a reload during a run)', () => {
  const snap = (sec: number, calls: number) => ({
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, sec)).toISOString(),
    overall: { calls, succeeded: calls, failed: 0, failures: {}, attempts: calls, attempt_failures: {}, retries: 0, rate_limited: 0,
      effective_success_rate: 1, actual_success_rate: 1, latency: { p50_ms: 1, p95_ms: 2, p99_ms: 3, max_ms: 4 }, events: {} },
    connectors: {},
    dlq: { pending: 0 },
  });
  test('puts the recorded seconds before the streamed ones, without counting any twice', () => {
    const s = new SeriesStore();
    s.ingest(snap(10, 100));
    s.ingest(snap(11, 110));
    const added = s.prefill([snap(7, 40), snap(8, 60), snap(9, 90), snap(10, 100), snap(11, 110)]);
    expect(added).toBe(3);
    const t0 = Date.UTC(2026, 0, 1) / 1000;
    expect(s.t.map((t) => t - t0)).toEqual([7, 8, 9, 10, 11]);
    expect(s.column('overall:calls')).toEqual([null, 20, 30, null, 10]);
  });
  test('into an empty store: the whole timeline, and the stream goes on from its last snapshot', () => {
    const s = new SeriesStore();
    expect(s.prefill([snap(1, 0), snap(2, 5)])).toBe(2);
    s.ingest(snap(3, 15));
    expect(s.column('overall:calls')).toEqual([null, 5, 10]);
  });
});
