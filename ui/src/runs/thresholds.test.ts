import { describe, expect, it } from 'vitest';
import { formatMetric, parseThreshold, thresholdView, unitOf, verdictCounts } from './thresholds';

describe('parseThreshold', () => {
  it('splits metric, connector scope, operator and limit', () => {
    expect(parseThreshold('p99_ms < 2000')).toEqual({ metric: 'p99_ms', connector: null, op: '<', limit: 2000 });
    expect(parseThreshold('req_per_s{connector=*} >= 20')).toEqual({ metric: 'req_per_s', connector: '*', op: '>=', limit: 20 });
    expect(parseThreshold('p99_ms{ connector = stripe_mock } <= 1500.5')).toEqual({
      metric: 'p99_ms',
      connector: 'stripe_mock',
      op: '<=',
      limit: 1500.5,
    });
    expect(parseThreshold('lost == 0')?.op).toBe('==');
    expect(parseThreshold('lost != 1')?.op).toBe('!=');
  });

  it('reads a percent limit as a fraction, like the harness', () => {
    expect(parseThreshold('success_rate > 99%')?.limit).toBeCloseTo(0.99);
  });

  it('does not read <= as < followed by garbage', () => {
    expect(parseThreshold('dlq_backlog <= 100')?.op).toBe('<=');
  });

  it('gives null for what is not a threshold', () => {
    expect(parseThreshold('p99 is small')).toBeNull();
    expect(parseThreshold('p99_ms << 2')).toBeNull();
    expect(parseThreshold('')).toBeNull();
  });
});

describe('units', () => {
  it('derives units from metric names', () => {
    expect(unitOf('p50_ms')).toBe('ms');
    expect(unitOf('token_refresh_p99_ms')).toBe('ms');
    expect(unitOf('dlq_delay_ms')).toBe('ms');
    expect(unitOf('retry_success_rate')).toBe('rate');
    expect(unitOf('rate_limited_share')).toBe('rate');
    expect(unitOf('req_per_s')).toBe('rps');
    expect(unitOf('dlq_backlog')).toBe('count');
    expect(unitOf('duplicates')).toBe('count');
  });

  it('formats values with their unit and says when nothing was measured', () => {
    expect(formatMetric('p99_ms', 10117.119)).toBe('10,117 ms');
    expect(formatMetric('retry_success_rate', 0.6917585983127839)).toBe('69.2 %');
    expect(formatMetric('dlq_backlog', 168.0)).toBe('168');
    expect(formatMetric('req_per_s', 22)).toBe('22.0 req/s');
    expect(formatMetric('token_refresh_p99_ms', null)).toBe('not measured');
  });
});

describe('thresholdView', () => {
  it('shows a failed latency threshold with ✗, the condition and the measured value', () => {
    expect(thresholdView({ expr: 'p99_ms < 2000', value: 10117.119, pass: false })).toEqual({
      expr: 'p99_ms < 2000',
      pass: false,
      metric: 'p99_ms',
      condition: '< 2,000 ms',
      value: '10,117 ms',
      mark: '✗',
    });
  });

  it('shows rates as percentages and the connector scope', () => {
    const v = thresholdView({ expr: 'retry_success_rate > 0.8', value: 0.9, pass: true });
    expect(v.condition).toBe('> 80.0 %');
    expect(v.mark).toBe('✓');
    expect(thresholdView({ expr: 'req_per_s{connector=*} >= 20', value: 22, pass: true }).metric).toBe('req_per_s (every connector)');
    expect(thresholdView({ expr: 'lost == 0', value: 0, pass: true }).condition).toBe('= 0');
  });

  it('keeps an expression it cannot parse as written', () => {
    const v = thresholdView({ expr: 'something odd', value: 3, pass: false });
    expect(v.metric).toBe('something odd');
    expect(v.value).toBe('3');
    expect(v.mark).toBe('✗');
  });

  it('counts verdicts', () => {
    expect(
      verdictCounts([
        { expr: 'a < 1', value: 0, pass: true },
        { expr: 'b < 1', value: 2, pass: false },
        { expr: 'c < 1', value: null, pass: false },
      ]),
    ).toEqual({ passed: 1, failed: 2 });
  });
});
