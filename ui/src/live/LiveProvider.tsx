/** Provides the live state, the series store and the farm status to the whole app, from one SSE connection. */
import { createContext, useContext, useEffect, useMemo, useReducer, useState, type ReactNode } from 'react';
import { getJson, ApiError } from '../api/http';
import { chaosMarkers, markerFromEvent } from './markers';
import { initialLive, liveReducer } from './reducer';
import { connectEvents } from './sse';
import { SeriesStore } from './store';
import { timelineMarkers, type RunTimeline } from './timeline';
import type { ActiveRun, FarmStatus, LiveState, Marker, MeshEvent, MetricsSnapshot } from './types';

/** Everything the live views read. */
export interface LiveContextValue {
  live: LiveState;
  store: SeriesStore;
  farm: FarmStatus | null;
  /** Why the last farm poll failed (null when it answered). */
  farmError: string | null;
}

const LiveContext = createContext<LiveContextValue | null>(null);

/** The live context; throws outside a {@link LiveProvider}. */
export function useLiveContext(): LiveContextValue {
  const v = useContext(LiveContext);
  if (!v) throw new Error('useLiveContext outside LiveProvider');
  return v;
}

const FLUSH_MS = 250;
/** Markers go to the store every this many flushes (once a second). */
const MARKER_EVERY = 4;
const FARM_POLL_MS = 2000;
const RUNS_POLL_MS = 3000;

function message(e: unknown): string {
  return e instanceof ApiError ? e.describe() : e instanceof Error ? e.message : String(e);
}

interface RunsAnswer {
  runs: { id: string; scenario: string; state: string }[];
}
interface RunAnswer {
  phase?: string | null;
}

/** Opens the event stream and the polls for its children; `store` may be given (tests), else one is made. */
export function LiveProvider(props: { children: ReactNode; store?: SeriesStore }) {
  const [live, dispatch] = useReducer(liveReducer, initialLive);
  const store = useMemo(() => props.store ?? new SeriesStore(), [props.store]);
  const [farm, setFarm] = useState<FarmStatus | null>(null);
  const [farmError, setFarmError] = useState<string | null>(null);

  // The stream: metrics go to the store at once, typed events are batched (hundreds a second under chaos). Their
  // markers reach the store once a second, not at every batch: each change of the store redraws every chart.
  useEffect(() => {
    let pending: MeshEvent[] = [];
    let markers: Marker[] = [];
    let ticks = 0;
    const flush = () => {
      ticks++;
      if (markers.length > 0 && ticks % MARKER_EVERY === 0) {
        store.addMarkers(markers);
        markers = [];
      }
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      for (const e of batch) {
        const m = markerFromEvent(e);
        if (m) markers.push(m);
      }
      dispatch({ type: 'events', events: batch });
    };
    const timer = setInterval(flush, FLUSH_MS);
    const close = connectEvents('/api/events', {
      onOpen: () => dispatch({ type: 'connected', value: true }),
      onDown: () => dispatch({ type: 'connected', value: false }),
      onMetrics: (m: MetricsSnapshot) => {
        store.ingest(m);
        dispatch({ type: 'metrics', snapshot: m });
      },
      onEvent: (e) => pending.push(e),
    });
    return () => {
      clearInterval(timer);
      close();
    };
  }, [store]);

  // The farm: chaos levels for the topology and chaos markers (history entries and level changes).
  useEffect(() => {
    let prev: FarmStatus | null = null;
    let stop = false;
    const ctl = new AbortController();
    const poll = async () => {
      try {
        const cur = await getJson<FarmStatus>('/farm/admin/status', ctl.signal);
        if (stop) return;
        store.addMarkers(chaosMarkers(prev, cur, Date.now() / 1000));
        prev = cur;
        setFarm(cur);
        setFarmError(null);
      } catch (e) {
        if (!stop) setFarmError(message(e));
      }
    };
    void poll();
    const t = setInterval(poll, FARM_POLL_MS);
    return () => {
      stop = true;
      ctl.abort();
      clearInterval(t);
    };
  }, [store]);

  // The runs: the stream's run events say when a run starts and ends; a poll covers a late connect or a missed end.
  useEffect(() => {
    let stop = false;
    const ctl = new AbortController();
    let prefilled: string | null = null;
    // A reload during a run: what the stream sent before this page opened comes from the run's recorded timeline.
    const prefill = async (id: string) => {
      prefilled = id;
      try {
        const t = await getJson<RunTimeline>(`/api/runs/${encodeURIComponent(id)}/timeline`, ctl.signal);
        if (stop) return;
        store.prefill(t.metrics);
        store.addMarkers(timelineMarkers(t.events));
      } catch {
        /* the live stream goes on regardless; the Runs page shows the timeline once the run is over */
      }
    };
    const poll = async () => {
      try {
        const r = await getJson<RunsAnswer>('/api/runs', ctl.signal);
        const running = r.runs.find((x) => x.state === 'running');
        let run: ActiveRun | null = null;
        if (running && prefilled !== running.id) void prefill(running.id);
        if (running) {
          const detail = await getJson<RunAnswer>(`/api/runs/${encodeURIComponent(running.id)}`, ctl.signal);
          run = { id: running.id, scenario: running.scenario, phase: detail.phase ?? null, chaos: null };
        }
        if (!stop) dispatch({ type: 'running', run });
      } catch {
        /* the Runs page and the chaos bar report AAM errors; the stream status shows the connection */
      }
    };
    void poll();
    const t = setInterval(poll, RUNS_POLL_MS);
    return () => {
      stop = true;
      ctl.abort();
      clearInterval(t);
    };
  }, [store]);

  const value = useMemo(() => ({ live, store, farm, farmError }), [live, store, farm, farmError]);
  return <LiveContext.Provider value={value}>{props.children}</LiveContext.Provider>;
}
