/** For tests: a stand-in EventSource the test drives by hand (open, frames, a dropped or given-up stream). */
import { vi } from 'vitest';

/** Records every stream opened; `emit` delivers a frame to the listeners of its event type. */
export class FakeEventSource {
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

  /** The stream opened last, or null. */
  static get last(): FakeEventSource | null {
    return FakeEventSource.all.at(-1) ?? null;
  }

  /** Forgets earlier streams and stands in for the global EventSource (undone by `vi.unstubAllGlobals`). */
  static install(): void {
    FakeEventSource.all = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  }

  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }

  close() {
    this.closed = true;
    this.readyState = FakeEventSource.CLOSED;
  }

  /** A frame of `type` with `data` as sent (may be malformed). */
  emit(type: string, data: string) {
    for (const fn of this.listeners.get(type) ?? []) fn({ data } as MessageEvent);
  }

  /** A frame of `type` with `data` as JSON. */
  emitJson(type: string, data: unknown) {
    this.emit(type, JSON.stringify(data));
  }

  /** The browser gave up on the stream: closed, then an error. */
  giveUp() {
    this.readyState = FakeEventSource.CLOSED;
    this.onerror?.();
  }
}
