import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { connectEvents, type SseHandlers } from './sse';

/** A stand-in EventSource the test drives by hand. */
class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static all: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  listeners = new Map<string, ((e: MessageEvent) => void)[]>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() {
    this.closed = true;
    this.readyState = FakeEventSource.CLOSED;
  }
  emit(type: string, data: string) {
    for (const fn of this.listeners.get(type) ?? []) fn({ data } as MessageEvent);
  }
}

function handlers() {
  return { onOpen: vi.fn(), onDown: vi.fn(), onMetrics: vi.fn(), onEvent: vi.fn() } satisfies SseHandlers;
}

beforeEach(() => {
  FakeEventSource.all = [];
  vi.stubGlobal('EventSource', FakeEventSource);
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
    FakeEventSource.all[0].readyState = FakeEventSource.CLOSED;
    FakeEventSource.all[0].onerror?.();
    vi.advanceTimersByTime(999);
    expect(FakeEventSource.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.all).toHaveLength(2);
    FakeEventSource.all[1].readyState = FakeEventSource.CLOSED;
    FakeEventSource.all[1].onerror?.();
    vi.advanceTimersByTime(1999);
    expect(FakeEventSource.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.all).toHaveLength(3);
  });

  test('closing stops everything, including a pending reopen', () => {
    const h = handlers();
    const close = connectEvents('/api/events', h);
    FakeEventSource.all[0].readyState = FakeEventSource.CLOSED;
    FakeEventSource.all[0].onerror?.();
    close();
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.all).toHaveLength(1);
  });
});
