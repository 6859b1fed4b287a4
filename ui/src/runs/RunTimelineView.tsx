/** A run's recorded timeline, replayed with the same lanes and charts as the Live view (kept with the run on the server). */
import { useEffect, useMemo, useState } from 'react';
import { ApiError, getJson } from '../api/http';
import { ChartGrid } from '../charts/ChartGrid';
import { storeFromTimeline, timelineConnectors, type RunTimeline } from '../live/timeline';
import type { SeriesStore } from '../live/store';
import type { RunReport, ThresholdResult } from '../api/types';
import type { BaselineSeries } from '../charts/overlay';

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.describe() : e instanceof Error ? e.message : String(e);
}

/** Loads `GET /runs/{id}/timeline` (again each 5 s while the run is still running) and shows it. */
export function RunTimelineView(props: {
  id: string;
  running: boolean;
  report?: RunReport | null;
  /** While the run goes: its thresholds on the run so far. */
  liveThresholds?: ThresholdResult[] | null;
}) {
  const [loaded, setLoaded] = useState<{ store: SeriesStore; t: RunTimeline } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = async () => {
      try {
        const t = await getJson<RunTimeline>(`/api/runs/${encodeURIComponent(props.id)}/timeline`, ctl.signal);
        setLoaded({ store: storeFromTimeline(t), t });
        setError(null);
      } catch (e) {
        if ((e as Error).name !== 'AbortError') setError(errorText(e));
      }
      if (props.running && !ctl.signal.aborted) timer = setTimeout(load, 5000);
    };
    void load();
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [props.id, props.running]);
  const connectors = useMemo(() => (loaded ? timelineConnectors(loaded.t).map((id) => ({ id, service: null })) : []), [loaded]);
  const report = props.report ?? null;
  const baselines = useMemo(() => baselinesOf(report), [report]);
  if (error) return <p className="error-text" role="alert">timeline: {error}</p>;
  if (!loaded) return <p className="muted">loading the timeline…</p>;
  if (loaded.t.metrics.length === 0) {
    return (
      <p className="muted" data-testid="run-timeline-empty">
        No timeline was recorded for this run (runs before the control room kept timelines have none).
      </p>
    );
  }
  const dropped = Object.entries(loaded.t.dropped ?? {}).filter(([, n]) => n > 0);
  return (
    <div className="run-timeline" data-testid="run-timeline" data-seconds={loaded.t.metrics.length}>
      <p className="muted">
        {loaded.t.metrics.length} seconds and {loaded.t.events.length} events recorded
        {props.running ? ' so far (refreshed every 5 s)' : ''}
        {dropped.length > 0 && <> · left out to stay bounded: {dropped.map(([k, n]) => `${n} ${k}`).join(', ')}</>}
      </p>
      <ChartGrid
        store={loaded.store}
        connectors={connectors}
        initialWindow={null}
        thresholds={report?.thresholds ?? (props.running ? (props.liveThresholds ?? null) : null)}
        thresholdsLive={!report && props.running}
        baselines={baselines}
        runId={props.id}
      />
    </div>
  );
}

/** The report's baselines (`--compare`) as faint lines: each one's per-second series. */
export function baselinesOf(report: RunReport | null): BaselineSeries[] {
  return Object.entries(report?.baselines ?? {}).map(([name, b]) => ({ name, points: b.series ?? [] }));
}
