import { describe, expect, test, vi } from 'vitest';

// The viewer draws with uPlot (canvas, matchMedia); reading the timeline needs neither.
vi.mock('uplot', () => ({ default: {} }));

describe('the report viewer reads the recorded timeline', () => {
  test('metrics and events line by line; what was left out is not an event; a line cut short ends it', async () => {
    const { parseLines } = await import('./viewer');
    const text = [
      JSON.stringify({ metrics: { at: '2026-01-01T00:00:01Z', overall: {}, connectors: {} } }),
      JSON.stringify({ event: { type: 'run', at: '2026-01-01T00:00:01Z', what: 'started' } }),
      '',
      JSON.stringify({ metrics: { at: '2026-01-01T00:00:02Z', overall: {}, connectors: {} } }),
      JSON.stringify({ dropped: { token_refreshed: 5 } }),
      '{"event":{"type":"chaos","at":"2026-01-01T00:0',
    ].join('\n');
    const t = parseLines(text);
    expect(t.metrics.map((m) => m.at)).toEqual(['2026-01-01T00:00:01Z', '2026-01-01T00:00:02Z']);
    expect(t.events.map((e) => e.type)).toEqual(['run']);
  });
});

describe('the report viewer reads the report overlay', () => {
  test('thresholds and each baseline series; nothing when the block is missing or broken', async () => {
    const { readOverlay } = await import('./viewer');
    const o = readOverlay(
      JSON.stringify({
        thresholds: [{ expr: 'p99_ms < 2000', value: 1500, pass: true }],
        baselines: { naive: [{ t: 1, req_per_s: 30, success_rate: 0.9, p99_ms: 800 }], 'naive-retry': null },
      }),
    );
    expect(o.thresholds.map((t) => t.expr)).toEqual(['p99_ms < 2000']);
    expect(o.baselines).toEqual([
      { name: 'naive', points: [{ t: 1, req_per_s: 30, success_rate: 0.9, p99_ms: 800 }] },
      { name: 'naive-retry', points: [] },
    ]);
    expect(readOverlay(null)).toEqual({ thresholds: [], baselines: [] });
    expect(readOverlay('{"thr')).toEqual({ thresholds: [], baselines: [] });
  });
});
