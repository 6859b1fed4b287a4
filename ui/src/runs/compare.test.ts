import { describe, expect, it } from 'vitest';
import type { RunReport } from '../api/types';
import { betterFor, compareReports, formatDiff, formatSide } from './compare';

function report(over: Partial<RunReport>): RunReport {
  return {
    scenario: 'hell',
    seed: 42,
    duration_s: 20,
    passed: false,
    thresholds: [],
    totals: {
      logical_ops: 1000,
      succeeded: 900,
      failed: 100,
      dlq_pending: 10,
      lost: 0,
      duplicates: 0,
      retries: 300,
      success_rate: 0.9,
      retry_success_rate: 0.8,
      req_per_s: 50,
    },
    latency_ms: { p50: 100, p95: 500, p99: 1000, max: 2000 },
    connectors: {},
    ...over,
  };
}

describe('compareReports', () => {
  it('matches thresholds by expression and keeps those only one side has', () => {
    const a = report({ thresholds: [{ expr: 'p99_ms < 2000', value: 1000, pass: true }, { expr: 'lost == 0', value: 0, pass: true }] });
    const b = report({ thresholds: [{ expr: 'lost == 0', value: 400, pass: false }, { expr: 'dlq_backlog < 100', value: 5, pass: true }] });
    const c = compareReports(a, b);
    expect(c.thresholds.map((t) => t.expr)).toEqual(['p99_ms < 2000', 'lost == 0', 'dlq_backlog < 100']);
    const p99 = c.thresholds[0];
    expect([p99.passA, p99.passB, p99.b, p99.diff]).toEqual([true, null, null, null]);
    const lost = c.thresholds[1];
    expect([lost.diff, lost.winner, lost.passB]).toEqual([400, 'a', false]);
    expect(c.thresholds[2].passA).toBeNull();
  });

  it('knows which side is better: lower latency, higher success, neither for load offered', () => {
    const a = report({});
    const b = report({
      totals: { ...report({}).totals, success_rate: 0.95, logical_ops: 2000, retries: 100 },
      latency_ms: { p50: 90, p95: 600, p99: 1000, max: 2000 },
    });
    const c = compareReports(a, b);
    const t = (k: string) => [...c.outcome, ...c.totals].find((r) => r.key === k)!;
    expect(t('success_rate').winner).toBe('b');
    expect(t('success_rate').diff).toBeCloseTo(0.05);
    expect(t('lost').winner).toBeNull();
    expect(t('logical_ops').winner).toBeNull();
    expect(t('retries').winner).toBe('b');
    expect(c.latency.map((r) => r.winner)).toEqual(['b', 'a', null, null]);
    expect(c.warnings).toEqual([]);
  });

  it('orders by what matters (lost, duplicates, success, then latency) and never crowns a side that lost writes', () => {
    const mesh = report({ latency_ms: { p50: 300, p95: 900, p99: 1500, max: 3000 } });
    const naive = report({
      totals: { ...report({}).totals, lost: 1145, success_rate: 0.95, retries: 0 },
      latency_ms: { p50: 40, p95: 100, p99: 200, max: 400 },
    });
    const c = compareReports(mesh, naive);
    expect(c.outcome.map((r) => r.key)).toEqual(['lost', 'duplicates', 'success_rate']);
    expect(c.losesWrites).toBe('b');
    expect(c.outcome[0].winner).toBe('a');
    // Faster, fewer retries, higher success: all bought by losing writes, so none is a win (and none is green).
    for (const r of [c.outcome[2], ...c.latency, c.totals.find((x) => x.key === 'retries')!]) {
      expect(r.winner).toBeNull();
      expect(r.hollow).toBe('b');
    }
    expect(c.warnings.join(' ')).toContain('lost 1,145');
  });

  it('warns when the runs lasted differently or ran other scenarios', () => {
    const c = compareReports(report({ duration_s: 60 }), report({ duration_s: 30, scenario: 'storm' }));
    expect(c.warnings[0]).toContain('60 s and 30 s');
    expect(c.warnings[1]).toContain('hell and storm');
  });

  it('treats a null threshold value as missing, not zero', () => {
    const a = report({ thresholds: [{ expr: 'token_refresh_p99_ms < 100', value: null, pass: false }] });
    const b = report({ thresholds: [{ expr: 'token_refresh_p99_ms < 100', value: 50, pass: true }] });
    const r = compareReports(a, b).thresholds[0];
    expect(r.a).toBeNull();
    expect(r.diff).toBeNull();
    expect(r.winner).toBeNull();
  });

  it('survives a report without req_per_s in its totals (older runs)', () => {
    const old = report({});
    delete (old.totals as { req_per_s?: number }).req_per_s;
    const row = compareReports(old, report({})).totals.find((r) => r.key === 'req_per_s')!;
    expect(row.a).toBeNull();
    expect(formatSide(row, 'a')).toBe('—');
    expect(formatSide(row, 'b')).toBe('50.0 req/s');
  });
});

describe('formatDiff', () => {
  it('signs differences and shows rates in percentage points', () => {
    expect(formatDiff('ms', 12.34)).toBe('+12.3 ms');
    expect(formatDiff('ms', -1500)).toBe('−1,500 ms');
    expect(formatDiff('rate', -0.042)).toBe('−4.2 pp');
    expect(formatDiff('rate', 0.0004)).toBe('+0.04 pp');
    expect(formatDiff('count', 40)).toBe('+40');
    expect(formatDiff('count', 0)).toBe('±0');
    expect(formatDiff('rps', null)).toBe('—');
  });

  it('knows the direction of threshold metrics', () => {
    expect(betterFor('p99_ms')).toBe('lower');
    expect(betterFor('retry_success_rate')).toBe('higher');
    expect(betterFor('logical_ops')).toBe('neutral');
  });
});
