import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeServer } from '../api/fakeServer';
import type { RunReport } from '../api/types';
import { RunsPage } from './RunsPage';

// The recorded timeline draws with uPlot (canvas, matchMedia): its own tests and the browser tests cover it.
vi.mock('./RunTimelineView', () => ({ RunTimelineView: (p: { id: string }) => <div data-testid="run-timeline-stub">{p.id}</div> }));

const report = (over: Partial<RunReport> = {}): RunReport => ({
  scenario: 'hell',
  seed: 42,
  duration_s: 20,
  passed: false,
  thresholds: [
    { expr: 'p99_ms < 2000', value: 10117.119, pass: false },
    { expr: 'retry_success_rate > 0.8', value: 0.6917, pass: false },
    { expr: 'lost == 0', value: 0, pass: true },
  ],
  totals: { logical_ops: 2640, succeeded: 2142, failed: 498, dlq_pending: 141, lost: 0, duplicates: 0, retries: 3064, success_rate: 0.8113, retry_success_rate: 0.6917, req_per_s: 132 },
  latency_ms: { p50: 394.495, p95: 5316.607, p99: 10117.119, max: 16826.367 },
  connectors: {},
  ...over,
});

const runs = {
  runs: [
    { id: 'mild-1', scenario: 'mild', state: 'passed', started: '2026-12-02T04:00:00Z', finished: '2026-12-02T04:00:30Z' },
    { id: 'hell-1', scenario: 'hell', state: 'failed', started: '2026-12-02T04:05:11Z', finished: '2026-12-02T04:05:57Z' },
  ],
};
const detail = (id: string, r: RunReport) => ({ ...runs.runs.find((x) => x.id === id), phase: null, live: null, error: null, stop_reason: null, report: r });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('RunsPage', () => {
  it('lists runs newest first and shows a run with every threshold, its value and the report link', async () => {
    fakeServer({
      'GET /api/runs': { body: runs },
      'GET /api/runs/hell-1': { body: detail('hell-1', report({ baseline: report({ target: 'naive', thresholds: [] }) })) },
    });
    render(<RunsPage selectedId="hell-1" onSelect={() => {}} />);
    await waitFor(() => expect(screen.getByTestId('run-row-hell-1')).toBeTruthy());
    const rows = [...document.querySelectorAll('[data-testid^="run-row-"]')].map((r) => r.getAttribute('data-testid'));
    expect(rows).toEqual(['run-row-hell-1', 'run-row-mild-1']);
    await waitFor(() => expect(screen.getByTestId('threshold-0')).toBeTruthy());
    expect(screen.getByTestId('threshold-0').textContent).toContain('✗');
    expect(screen.getByTestId('threshold-0').textContent).toContain('10,117 ms');
    expect(screen.getByTestId('threshold-1').textContent).toContain('69.2 %');
    expect(screen.getByTestId('threshold-2').textContent).toContain('✓');
    const link = screen.getByTestId('run-report-link');
    expect(link.getAttribute('href')).toBe('/api/runs/hell-1/report.html');
    expect(link.hasAttribute('download')).toBe(true);
    expect(screen.getByTestId('run-baseline')).toBeTruthy();
    expect(screen.getByTestId('run-baseline-naive')).toBeTruthy();
  });

  it('shows the run against each of its baselines', async () => {
    const naive = report({ target: 'naive', thresholds: [], totals: { ...report().totals, success_rate: 0.33, lost: 738 } });
    const retry = report({ target: 'naive-retry', thresholds: [], totals: { ...report().totals, success_rate: 0.7, duplicates: 89 } });
    fakeServer({
      'GET /api/runs': { body: runs },
      'GET /api/runs/hell-1': { body: detail('hell-1', report({ baseline: naive, baselines: { naive, 'naive-retry': retry } })) },
    });
    render(<RunsPage selectedId="hell-1" onSelect={() => {}} />);
    await waitFor(() => expect(screen.getByTestId('run-baseline-naive-retry')).toBeTruthy());
    const all = screen.getByTestId('run-baseline');
    expect(all.textContent).toContain('Mesh against the naive client (success 81.1 % vs 33.0 %)');
    expect(all.textContent).toContain('Mesh against the naive-retry client (success 81.1 % vs 70.0 %)');
    expect(screen.getByTestId('run-baseline-naive').textContent).toContain('738');
    expect(screen.getByTestId('run-baseline-naive-retry').textContent).toContain('89');
  });

  it('compares two ticked runs side by side', async () => {
    fakeServer({
      'GET /api/runs': { body: runs },
      'GET /api/runs/hell-1': { body: detail('hell-1', report()) },
      'GET /api/runs/mild-1': { body: detail('mild-1', report({ scenario: 'mild', latency_ms: { p50: 10, p95: 20, p99: 30, max: 40 } })) },
    });
    render(<RunsPage selectedId={null} onSelect={() => {}} />);
    await waitFor(() => expect(screen.getByTestId('run-compare-hell-1')).toBeTruthy());
    expect((screen.getByTestId('run-compare-button') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('run-compare-hell-1'));
    fireEvent.click(screen.getByTestId('run-compare-mild-1'));
    expect((screen.getByTestId('run-compare-button') as HTMLButtonElement).disabled).toBe(false);
    await act(async () => fireEvent.click(screen.getByTestId('run-compare-button')));
    await waitFor(() => expect(screen.getByTestId('run-compare').textContent).toContain('p99_ms'));
    // Left is the first ticked (hell-1, p99 10,117 ms), right mild-1 (30 ms): the difference is right minus left.
    expect(screen.getByTestId('run-compare').textContent).toContain('−10,087 ms');
  });

  it('shows the server error instead of an empty list', async () => {
    fakeServer({ 'GET /api/runs': { status: 500, body: { error: 'boom', field: null, message: 'store unreadable' } } });
    render(<RunsPage selectedId={null} onSelect={() => {}} />);
    await waitFor(() => expect(screen.getByTestId('runs-error').textContent).toContain('store unreadable'));
  });
});
