/** The one SSE connection of the app to the AAM's `/events`, reconnecting on its own. */
import type { MeshEvent, MetricsSnapshot } from './types';

/**
 * Every typed event the AAM sends besides `metrics` (EventSource needs a listener per event name): the mesh's
 * `EventType` enum, in its order, then the server's own `run` and `chaos` (server test UiListsTest checks this).
 */
export const EVENT_TYPES = [
  'circuit_transition',
  'replay_circuit_transition',
  'rate_adjusted',
  'limit_learned',
  'token_refreshed',
  'token_refresh_failed',
  'retry_scheduled',
  'retry_gave_up',
  'retry_budget_exhausted',
  'dead_lettered',
  'replay_succeeded',
  'outcome_settled',
  'replay_failed',
  'entry_dead',
  'entry_discarded',
  'write_read_back',
  'drift_detected',
  'run',
  'chaos',
] as const;

/** What the connection reports to its owner. */
export interface SseHandlers {
  onOpen(): void;
  onDown(): void;
  onMetrics(m: MetricsSnapshot): void;
  onEvent(e: MeshEvent): void;
}

/**
 * Opens `url` and keeps it open: the browser retries by itself after a dropped stream; when it gives up (the
 * server answered with an error), this opens a new one after a growing delay (1 s … 10 s). Returns the closer.
 */
export function connectEvents(url: string, h: SseHandlers): () => void {
  let es: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let delay = 1000;
  let closed = false;

  const parse = (ev: MessageEvent, type: string): MeshEvent | null => {
    try {
      const data = JSON.parse(ev.data as string) as MeshEvent;
      if (typeof data !== 'object' || data === null) return null;
      return { ...data, type: typeof data.type === 'string' ? data.type : type };
    } catch {
      return null; // a malformed frame is skipped, the stream goes on
    }
  };

  const open = () => {
    if (closed) return;
    es = new EventSource(url);
    es.onopen = () => {
      delay = 1000;
      h.onOpen();
    };
    es.onerror = () => {
      h.onDown();
      if (es && es.readyState === EventSource.CLOSED) {
        es.close();
        es = null;
        timer = setTimeout(open, delay);
        delay = Math.min(10_000, delay * 2);
      }
    };
    es.addEventListener('metrics', (ev) => {
      try {
        h.onMetrics(JSON.parse((ev as MessageEvent).data as string) as MetricsSnapshot);
      } catch {
        /* skipped: the next snapshot comes in a second */
      }
    });
    for (const type of EVENT_TYPES) {
      es.addEventListener(type, (ev) => {
        const e = parse(ev as MessageEvent, type);
        if (e) h.onEvent(e);
      });
    }
    es.onmessage = (ev) => {
      const e = parse(ev, 'message');
      if (e) h.onEvent(e);
    };
  };

  open();
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    es?.close();
  };
}
