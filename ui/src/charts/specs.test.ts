import { describe, expect, test } from 'vitest';
import { col, OVERALL } from '../live/rates';
import { CHART_NAMES, chartData, chartSpecs, connectorColor, stack, type ColumnSource } from './specs';

const IDS = ['salesforce_mock', 'stripe_mock', 'my_api'];

describe('chartSpecs', () => {
  test('every chart, in order, for the overall view and for one connector', () => {
    expect(chartSpecs(null, IDS).map((s) => s.name)).toEqual([...CHART_NAMES]);
    expect(chartSpecs('stripe_mock', IDS).map((s) => s.name)).toEqual([...CHART_NAMES]);
  });
  test('the overall view reads the overall columns, a connector its own', () => {
    const all = chartSpecs(null, IDS).find((s) => s.name === 'throughput')!;
    expect(all.series.map((s) => s.column)).toEqual([col(OVERALL, 'attempts'), col(OVERALL, 'calls')]);
    const one = chartSpecs('stripe_mock', IDS).find((s) => s.name === 'latency')!;
    expect(one.series.map((s) => s.column)).toEqual(['p50', 'p95', 'p99', 'max'].map((f) => col('stripe_mock', f)));
  });
  test('bucket and circuit: one line per connector overall, bucket + learned limit for one connector', () => {
    const all = chartSpecs(null, IDS);
    expect(all.find((s) => s.name === 'circuit')!.series.map((s) => s.label)).toEqual(IDS);
    const bucket = chartSpecs('stripe_mock', IDS).find((s) => s.name === 'bucket')!;
    expect(bucket.series.map((s) => [s.column, s.scale])).toEqual([
      [col('stripe_mock', 'tokens'), 'y'],
      [col('stripe_mock', 'rate_rps'), 'y2'],
      [col('stripe_mock', 'learned_rps'), 'y2'],
    ]);
  });
  test('the errors chart stacks every error class', () => {
    const e = chartSpecs(null, IDS).find((s) => s.name === 'errors')!;
    expect(e.stacked).toBe(true);
    expect(e.series).toHaveLength(8);
  });
  test('every chart has a title and a y unit', () => {
    for (const s of chartSpecs('stripe_mock', IDS)) {
      expect(s.title).not.toBe('');
      expect(s.yLabel).not.toBe('');
    }
  });
});

test('connector colours: built-ins fixed, others by position', () => {
  expect(connectorColor('stripe_mock', 5)).toBe(connectorColor('stripe_mock', 0));
  expect(connectorColor('x', 0)).not.toBe(connectorColor('x', 1));
});

describe('stack', () => {
  test('cumulative from the last column', () => {
    expect(stack([[1, 2], [10, 20], [100, 200]])).toEqual([
      [111, 222],
      [110, 220],
      [100, 200],
    ]);
  });
  test('nulls count as 0 beside a value, stay null when the whole row is null', () => {
    expect(stack([[1, null, null], [null, 5, null]])).toEqual([
      [1, 5, null],
      [null, 5, null],
    ]);
  });
  test('no columns', () => expect(stack([])).toEqual([]));
});

describe('chartData', () => {
  const src: ColumnSource = {
    t: [10, 11, 12, 13],
    column: (name) =>
      ({
        a: [1, 2, 3, 4],
        b: [10, null, 30, 40],
      })[name] ?? [null, null, null, null],
  };
  const spec = { name: 'retries' as const, title: 't', yLabel: 'y', series: [
    { label: 'a', column: 'a', color: '#fff', scale: 'y' as const, unit: '' },
    { label: 'b', column: 'b', color: '#fff', scale: 'y' as const, unit: '', offset: 0.5 },
  ] };
  test('the window cuts the start; offsets move plotted values only', () => {
    const d = chartData(src, spec, 12);
    expect(d.plotted).toEqual([[12, 13], [3, 4], [30.5, 40.5]]);
    expect(d.raw).toEqual([[12, 13], [3, 4], [30, 40]]);
  });
  test('no window: everything, nulls kept (gaps, not zeros)', () => {
    expect(chartData(src, spec).plotted[2]).toEqual([10.5, null, 30.5, 40.5]);
  });
  test('stacked charts plot sums but the legend reads the true values', () => {
    const d = chartData(src, { ...spec, stacked: true, series: spec.series.map((s) => ({ ...s, offset: 0 })) });
    expect(d.plotted[1]).toEqual([11, 2, 33, 44]);
    expect(d.raw[1]).toEqual([1, 2, 3, 4]);
  });
  test('an empty store gives empty arrays', () => {
    const d = chartData({ t: [], column: () => [] }, spec);
    expect(d.plotted).toEqual([[], [], []]);
  });
});
