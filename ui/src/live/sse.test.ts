import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { FakeEventSource } from './fakeEventSource';
import { connectEvents, type SseHandlers } from './sse';

function handlers() {
  return { onOpen: vi.fn(), onDown: vi.fn(), onMetrics: vi.fn(), onEvent: vi.fn() } satisfies SseHandlers;
}

beforeEach(() => {
  FakeEventSource.install();
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('connectEvents', () => {
  test('metrics and typed events reach their handlers; a malformed frame is skipped', () => {
    const h = handlers();
    connectEvents('/api/events', h);
    const es = FakeEventSource.all[0];
    expect(es.url).toBe('/api/events');
    es.onopen?.();
    expect(h.onOpen).toHaveBeenCalledOnce();
    es.emit('metrics', '{"at":"2026-12-02T04:05:16Z","overall":{},"connectors":{}}');
    es.emit('circuit_transition', '{"type":"circuit_transition","at":"x","connector":"a","from":"closed","to":"open"}');
    es.emit('run', '{"at":"x","run":"r1","what":"started"}');
    es.emit('drift_detected', 'not json');
    es.emit('metrics', '{broken');
    expect(h.onMetrics).toHaveBeenCalledOnce();
    expect(h.onEvent).toHaveBeenCalledTimes(2);
    expect(h.onEvent.mock.calls[1][0]).toMatchObject({ type: 'run', run: 'r1' }); // type filled in from the event name
  });

  test('a dropped stream the browser retries: reported down, no second EventSource', () => {
    const h = handlers();
    connectEvents('/api/events', h);
    const es = FakeEventSource.all[0];
    es.readyState = FakeEventSource.CONNECTING;
    es.onerror?.();
    expect(h.onDown).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(20_000);
    expect(FakeEventSource.all).toHaveLength(1);
  });

  test('a stream the browser gave up on is reopened after a growing delay', () => {
    const h = handlers();
    connectEvents('/api/events', h);
    FakeEventSource.all[0].giveUp();
    vi.advanceTimersByTime(999);
    expect(FakeEventSource.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.all).toHaveLength(2);
    FakeEventSource.all[1].giveUp();
    vi.advanceTimersByTime(1999);
    expect(FakeEventSource.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.all).toHaveLength(3);
  });

  test('closing stops everything, including a pending reopen', () => {
    const h = handlers();
    const close = connectEvents('/api/events', h);
    FakeEventSource.all[0].giveUp();
    close();
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.all).toHaveLength(1);
  });
});
