import { describe, expect, it } from 'vitest';
import { baselineLinesFor, thresholdLinesFor } from './overlay';

const RESULTS = [
  { expr: 'p99_ms < 2000', value: 2500, pass: false },
  { expr: 'p99_ms{connector=*} < 3000', value: 1200, pass: true },
  { expr: 'req_per_s{connector=stripe_mock} >= 20', value: 3.1, pass: false },
  { expr: 'success_rate > 99%', value: 0.995, pass: true },
  { expr: 'lost == 0', value: null, pass: false },
];

describe('thresholdLinesFor', () => {
  it('puts a run-wide limit on the overall chart only, with its verdict', () => {
    expect(thresholdLinesFor('latency', null, RESULTS)).toEqual([{ value: 2000, label: 'p99_ms < 2 s', pass: false }]);
  });

  it('puts every-connector and one-connector limits on that connector’s charts', () => {
    expect(thresholdLinesFor('latency', 'stripe_mock', RESULTS).map((l) => l.value)).toEqual([3000]);
    expect(thresholdLinesFor('throughput', 'stripe_mock', RESULTS)).toEqual([{ value: 20, label: 'req_per_s >= 20 req/s', pass: false }]);
    expect(thresholdLinesFor('throughput', 'github_mock', RESULTS)).toEqual([]);
  });

  it('draws nothing for a metric no chart shows, and an unmeasured value as unknown', () => {
    expect(thresholdLinesFor('errors', null, RESULTS)).toEqual([]);
    expect(thresholdLinesFor('latency', null, [{ expr: 'p95_ms < 500', value: null, pass: false }])[0].pass).toBeNull();
  });
});

describe('baselineLinesFor', () => {
  const naive = [{ name: 'naive', points: [{ t: 1, req_per_s: 40, p99_ms: 900 }, { t: 2, req_per_s: 38, p99_ms: 950 }] }];

  it('places a baseline on the mesh run’s clock: ops/s on throughput, p99 on latency', () => {
    expect(baselineLinesFor('throughput', null, naive, 1000)).toEqual([{ label: 'naive ops/s', t: [1001, 1002], v: [40, 38] }]);
    expect(baselineLinesFor('latency', null, naive, 1000)[0].v).toEqual([900, 950]);
  });

  it('shows none on a connector’s charts or before the first second', () => {
    expect(baselineLinesFor('throughput', 'stripe_mock', naive, 1000)).toEqual([]);
    expect(baselineLinesFor('throughput', null, naive, NaN)).toEqual([]);
  });
});

describe('runAsBaseline', () => {
  it('takes an earlier run’s per-second series, or nothing when its report has none', async () => {
    const { runAsBaseline } = await import('./overlay');
    const series = [{ t: 1, req_per_s: 100, p99_ms: 40 }];
    expect(runAsBaseline('mild-1', { series })).toEqual({ name: 'mild-1', points: series });
    expect(runAsBaseline('old-1', {})).toBeNull();
    expect(runAsBaseline('none', null)).toBeNull();
  });
});
