import { describe, expect, it } from 'vitest';
import type { RunReport, RunSummary } from '../api/types';
import { reportBaselines, runDurationSeconds, runVerdict, sortRunsNewestFirst, toggleCompare } from './runList';

const run = (id: string, started: string, over: Partial<RunSummary> = {}): RunSummary => ({
  id,
  scenario: 'hell',
  state: 'passed',
  started,
  finished: null,
  ...over,
});

describe('run list', () => {
  it('puts the newest first, unreadable starts last, ties in server order', () => {
    const rs = [
      run('a', '2026-12-02T04:00:00Z'),
      run('b', 'garbage'),
      run('c', '2026-12-02T05:00:00Z'),
      run('d', '2026-12-02T04:00:00Z'),
    ];
    expect(sortRunsNewestFirst(rs).map((r) => r.id)).toEqual(['c', 'a', 'd', 'b']);
  });

  it('measures a finished run to its end and a running one to now', () => {
    const now = Date.parse('2026-12-02T04:06:00Z');
    expect(runDurationSeconds(run('a', '2026-12-02T04:05:11.047Z', { finished: '2026-12-02T04:05:57.209Z' }), now)).toBeCloseTo(46.162);
    expect(runDurationSeconds(run('a', '2026-12-02T04:05:00Z', { state: 'running' }), now)).toBe(60);
    expect(runDurationSeconds(run('a', '2026-12-02T04:05:00Z', { state: 'error' }), now)).toBeNull();
  });

  it('takes the verdict from passed when present, else from the state', () => {
    expect(runVerdict({ state: 'stopped', passed: false })).toBe(false);
    expect(runVerdict({ state: 'passed' })).toBe(true);
    expect(runVerdict({ state: 'failed' })).toBe(false);
    expect(runVerdict({ state: 'running' })).toBeNull();
    expect(runVerdict({ state: 'error', passed: null })).toBeNull();
  });

  it('keeps at most two runs ticked for comparison', () => {
    expect(toggleCompare([], 'a')).toEqual(['a']);
    expect(toggleCompare(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggleCompare(['a', 'b'], 'c')).toEqual(['b', 'c']);
    expect(toggleCompare(['a', 'b'], 'a')).toEqual(['b']);
  });
});

describe('reportBaselines', () => {
  const run = (target: string) => ({ target, scenario: 'hell' }) as RunReport;

  it('lists every baseline by name in the order they ran', () => {
    const naive = run('naive');
    const retry = run('naive-retry');
    expect(reportBaselines({ baseline: naive, baselines: { naive, 'naive-retry': retry } })).toEqual([
      ['naive', naive],
      ['naive-retry', retry],
    ]);
  });

  it('reads the single baseline of an older report, and none without one', () => {
    const naive = run('naive');
    expect(reportBaselines({ baseline: naive })).toEqual([['naive', naive]]);
    expect(reportBaselines({ baseline: { ...naive, target: undefined } })).toEqual([['naive', { ...naive, target: undefined }]]);
    expect(reportBaselines({})).toEqual([]);
    expect(reportBaselines({ baseline: null, baselines: {} })).toEqual([]);
  });
});
