/**
 * A run's recorded timeline (`GET /runs/{id}/timeline`): each second's `metrics` snapshot and the events the charts
 * mark, replayed into a series store exactly as the live stream fills one.
 */
import { markerFromEvent } from './markers';
import { SeriesStore } from './store';
import type { Marker, MeshEvent, MetricsSnapshot } from './types';

/** The answer of `GET /runs/{id}/timeline`. */
export interface RunTimeline {
  id: string;
  scenario: string;
  state: string;
  started: string;
  finished: string | null;
  metrics: MetricsSnapshot[];
  events: MeshEvent[];
  /** False while the run is still being recorded (or its file was cut short). */
  complete: boolean;
  /** What was left out to keep it bounded, per event type (`metrics`: seconds thinned out). */
  dropped: Record<string, number>;
}

/** The markers of a timeline's events, time-ordered. */
export function timelineMarkers(events: readonly MeshEvent[]): Marker[] {
  const out: Marker[] = [];
  for (const e of events) {
    const m = markerFromEvent(e);
    if (m) out.push(m);
  }
  return out;
}

/** A series store holding a whole recorded timeline (large enough for an hour at full resolution). */
export function storeFromTimeline(t: Pick<RunTimeline, 'metrics' | 'events'>): SeriesStore {
  const store = new SeriesStore({ budget: 4000, fullResolutionS: 3700, markerCap: 5000 });
  for (const m of t.metrics) store.ingest(m);
  store.addMarkers(timelineMarkers(t.events));
  return store;
}

/** The connector ids a timeline has metrics of, in the order of its last snapshot. */
export function timelineConnectors(t: Pick<RunTimeline, 'metrics'>): string[] {
  const last = t.metrics[t.metrics.length - 1];
  return last ? Object.keys(last.connectors ?? {}) : [];
}
