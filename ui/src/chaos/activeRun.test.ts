import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../api/types';
import { activeRunOf } from './activeRun';

const run = (id: string, state: string): RunSummary => ({ id, scenario: id.split('-')[0], state, started: '2026-12-02T04:00:00Z', finished: null });
const live = { id: 'hell-1', scenario: 'hell', phase: 'storm', chaos: 'storm' };

describe('activeRunOf', () => {
  it('trusts the stream until the list is loaded', () => {
    expect(activeRunOf(live, null)).toBe(live);
    expect(activeRunOf(null, null)).toBeNull();
  });

  it('shows a polled running run even when the stream has not said so (late SSE)', () => {
    expect(activeRunOf(null, [run('mild-1', 'passed'), run('hell-2', 'running')])).toEqual({
      id: 'hell-2',
      scenario: 'hell',
      phase: null,
      chaos: null,
    });
  });

  it('keeps the stream phase when both agree', () => {
    expect(activeRunOf(live, [run('hell-1', 'running')])).toEqual(live);
  });

  it('believes the stream about a run the list does not have yet', () => {
    expect(activeRunOf(live, [run('mild-1', 'passed')])).toBe(live);
  });

  it('ends a run the list shows finished, whatever the stream last said', () => {
    expect(activeRunOf(live, [run('hell-1', 'stopped')])).toBeNull();
  });
});
