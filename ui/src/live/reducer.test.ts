import { describe, expect, test } from 'vitest';
import { applyRunEvent, EVENT_CAP, initialLive, liveReducer } from './reducer';
import type { MeshEvent } from './types';

const at = '2026-12-02T04:05:18Z';
const run = (what: string, extra: Record<string, unknown> = {}): MeshEvent => ({ type: 'run', at, run: 'hell-1', scenario: 'hell', what, ...extra });

describe('active run from run events', () => {
  test('started, phase, finished', () => {
    let r = applyRunEvent(null, run('started', { phase: 'warmup', chaos: 'calm' }));
    expect(r).toEqual({ id: 'hell-1', scenario: 'hell', phase: 'warmup', chaos: 'calm' });
    r = applyRunEvent(r, run('phase', { phase: 'storm', chaos: 'storm' }));
    expect(r).toEqual({ id: 'hell-1', scenario: 'hell', phase: 'storm', chaos: 'storm' });
    expect(applyRunEvent(r, run('finished', { state: 'passed' }))).toBeNull();
  });
  test('the end of another run leaves the active one', () => {
    const r = { id: 'a', scenario: 'x', phase: null, chaos: null };
    expect(applyRunEvent(r, run('finished'))).toBe(r);
  });
  test('a phase event seen without its start (late connect) makes the run known', () => {
    expect(applyRunEvent(null, run('phase', { phase: 'p2' }))).toEqual({ id: 'hell-1', scenario: 'hell', phase: 'p2', chaos: null });
  });
});

describe('liveReducer', () => {
  test('events are kept up to the cap, oldest dropped, metrics events excluded', () => {
    const evs: MeshEvent[] = Array.from({ length: EVENT_CAP + 50 }, (_, i) => ({ type: 'retry_scheduled', at, n: i }));
    let s = liveReducer(initialLive, { type: 'events', events: evs.slice(0, 100) });
    s = liveReducer(s, { type: 'events', events: [...evs.slice(100), { type: 'metrics', at }] });
    expect(s.events).toHaveLength(EVENT_CAP);
    expect(s.events[0].n).toBe(50);
    expect(s.events.every((e) => e.type !== 'metrics')).toBe(true);
  });
  test('run events in a batch update the active run', () => {
    const s = liveReducer(initialLive, { type: 'events', events: [run('started', { phase: 'a' }), run('phase', { phase: 'b' })] });
    expect(s.activeRun?.phase).toBe('b');
  });
  test('connection flag; unchanged state is the same object', () => {
    const s = liveReducer(initialLive, { type: 'connected', value: true });
    expect(s.connected).toBe(true);
    expect(liveReducer(s, { type: 'connected', value: true })).toBe(s);
  });
  test('a poll of running runs fills in, without overwriting what the stream knows', () => {
    let s = liveReducer(initialLive, { type: 'running', run: { id: 'r1', scenario: 'storm', phase: null, chaos: null } });
    expect(s.activeRun?.id).toBe('r1');
    s = liveReducer(s, { type: 'events', events: [{ type: 'run', at, run: 'r1', scenario: 'storm', what: 'phase', phase: 'ramp' }] });
    s = liveReducer(s, { type: 'running', run: { id: 'r1', scenario: 'storm', phase: 'old', chaos: null } });
    expect(s.activeRun?.phase).toBe('ramp');
    expect(liveReducer(s, { type: 'running', run: null }).activeRun).toBeNull();
  });
});
