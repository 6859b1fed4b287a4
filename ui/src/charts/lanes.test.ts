import { describe, expect, test } from 'vitest';
import { vi } from 'vitest';

// The lane model is plain data; uPlot itself (canvas, matchMedia) is not needed to test it.
vi.mock('uplot', () => ({ default: {} }));
import type { Marker } from '../live/types';
import { laneModel, lanesAt, levelColor } from './lanes';

const mk = (t: number, kind: Marker['kind'], extra: Partial<Marker> = {}): Marker => ({ t, kind, connector: null, label: `${kind}@${t}`, ...extra });

describe('laneModel', () => {
  const markers: Marker[] = [
    mk(0, 'phase', { phase: 'warmup' }),
    mk(1, 'chaos', { level: 'hell', label: 'chaos hell on all services' }),
    mk(10, 'phase', { phase: 'storm', level: 'storm' }),
    mk(12, 'circuit', { connector: 'stripe_mock', to: 'open' }),
    mk(15, 'circuit', { connector: 'stripe_mock', to: 'half_open' }),
    mk(16, 'circuit', { connector: 'stripe_mock', to: 'closed' }),
    mk(18, 'drift', { connector: 'github_mock' }),
    mk(20, 'phase', { phase: null, label: 'run finished' }),
    mk(20.5, 'chaos', { level: 'calm', label: 'run ended: the farm is back to calm' }),
    mk(21, 'token'),
  ];
  const m = laneModel(markers, 30);

  test('phases as bands from one phase marker to the next, closed by the finish', () => {
    expect(m.phases.map((b) => [b.from, b.to, b.label])).toEqual([
      [0, 10, 'warmup'],
      [10, 20, 'storm (chaos storm)'],
    ]);
  });
  test('chaos as bands by level; the calm at the end is a mark of its own', () => {
    expect(m.chaos.map((b) => [b.from, b.to, b.color])).toEqual([
      [1, 20.5, levelColor('hell')],
      [20.5, 20.5, levelColor('calm')],
    ]);
  });
  test('breaker spans open and half-open until the next transition', () => {
    expect(m.breakers.map((b) => [b.from, b.to, b.label])).toEqual([
      [12, 15, 'stripe_mock breaker open'],
      [15, 16, 'stripe_mock breaker half-open'],
    ]);
  });
  test('drift pins; token markers are not lanes of their own (the density comes from the series)', () => {
    expect(m.drift.map((d) => d.t)).toEqual([18]);
  });
  test('a band still open runs to the end of what is shown', () => {
    expect(laneModel([mk(5, 'phase', { phase: 'p' })], 42).phases[0].to).toBe(42);
  });
  test('what the lanes say at a second', () => {
    expect(lanesAt(m, 13, 0.5)).toEqual(['phase storm (chaos storm)', 'chaos hell on all services', 'stripe_mock breaker open']);
    expect(lanesAt(m, 18.2, 0.5).at(-1)).toContain('drift@18');
  });
});
