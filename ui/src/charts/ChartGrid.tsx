/** The charts of the live view on one shared timeline: connector selector, time window, marker legend, charts. */
import { useCallback, useId, useMemo, useRef, useState } from 'react';
import { lowerBound } from '../live/downsample';
import { markersFor } from '../live/markers';
import type { SeriesStore } from '../live/store';
import { useStoreVersion } from '../live/useSeries';
import type { ThresholdResult } from '../api/types';
import { MarkerLegend } from './MarkerLegend';
import { baselineLinesFor, NO_OVERLAY, thresholdLinesFor, type BaselineSeries, type Overlay } from './overlay';
import { VerdictStrip } from './VerdictStrip';
import { BaselinePicker } from './BaselinePicker';
import { LanesChart } from './LanesChart';
import { SecondDrawer } from './SecondDrawer';
import type { Zoom } from './plot';
import { chartSpecs, WINDOWS } from './specs';
import { UPlotChart } from './UPlotChart';

/** A connector as the charts need it: its id and the farm service it calls (for the chaos markers). */
export interface ChartConnector {
  id: string;
  service: string | null;
}

/** Props of {@link ChartGrid}. */
export interface ChartGridProps {
  store: SeriesStore;
  connectors: ChartConnector[];
  /** The window shown at first, in seconds (null: everything; default 5 minutes). */
  initialWindow?: number | null;
  /** The run's thresholds (live: on the run so far; replayed: the report's): lines on their charts and a strip. */
  thresholds?: ThresholdResult[] | null;
  /** Whether the thresholds are the run so far (live) or its final verdict. */
  thresholdsLive?: boolean;
  /** Baselines drawn as faint lines (overall charts). */
  baselines?: BaselineSeries[] | null;
  /** When the run shown started (epoch s): where a baseline's second 0 goes (default: the first second shown). */
  baselineStart?: number | null;
  /** The run shown, left out of the earlier runs one can pick as a baseline. */
  runId?: string | null;
}

const RECENT_MARKERS = 12;

/** Every chart of the timeline, sharing one x range and one synced cursor. */
export function ChartGrid(props: ChartGridProps) {
  const { store, connectors } = props;
  const version = useStoreVersion(store);
  const [scope, setScope] = useState<string | null>(null);
  const [windowS, setWindowS] = useState<number | null>(props.initialWindow === undefined ? 300 : props.initialWindow);
  const [zoom, setZoomState] = useState<Zoom>(null);
  const setZoom = useCallback((z: Zoom) => setZoomState(z), []);
  const [picked, setPicked] = useState<number | null>(null);
  const pick = useCallback((t: number) => setPicked(t), []);
  const closeDrawer = useCallback(() => setPicked(null), []);
  const drawerConnectors = useMemo(
    () => connectors.filter((c) => scope == null || c.id === scope).map((c) => ({ id: c.id, service: c.service ?? c.id })),
    [connectors, scope],
  );
  const uid = useId();

  const ids = useMemo(() => connectors.map((c) => c.id), [connectors]);
  const idsKey = ids.join(',');
  // Specs depend on the id list's content, not its identity, so charts are not rebuilt at each poll.
  const specs = useMemo(() => chartSpecs(scope, idsKey === '' ? [] : idsKey.split(',')), [scope, idsKey]);

  const t = store.t;
  const start = props.baselineStart ?? (t.length > 0 ? t[0] : NaN);
  const { thresholds } = props;
  const [earlier, setEarlier] = useState<BaselineSeries | null>(null);
  const given = props.baselines;
  const baselines = useMemo(() => [...(given ?? []), ...(earlier ? [earlier] : [])], [given, earlier]);
  // Each poll of a live run brings new threshold objects: a chart keeps its overlay object (and is not redrawn for it)
  // unless what it draws changed; a chart with nothing over it always has NO_OVERLAY.
  const previous = useRef(new Map<string, Overlay>());
  const overlays = useMemo(() => {
    const out = new Map<string, Overlay>();
    for (const s of specs) {
      const next = {
        thresholds: thresholdLinesFor(s.name, scope, thresholds ?? []),
        baselines: baselineLinesFor(s.name, scope, baselines ?? [], start),
      };
      out.set(s.name, sameOverlay(previous.current.get(s.name), next));
    }
    previous.current = out;
    return out;
  }, [specs, scope, thresholds, baselines, start]);
  const last = t.length > 0 ? t[t.length - 1] : 0;
  const from = windowS == null ? -Infinity : last - windowS;
  const markerIds = useMemo(() => {
    if (scope == null) return null;
    const svc = connectors.find((c) => c.id === scope)?.service;
    return svc && svc !== scope ? [scope, svc] : [scope];
  }, [scope, connectors]);

  const shown = markersFor(store.markers, markerIds);
  const recent = shown.slice(Number.isFinite(from) ? lowerBoundMarkers(shown, from) : 0).slice(-RECENT_MARKERS).reverse();

  return (
    <section className="chart-grid-wrap" aria-label="charts">
      <div className="chart-toolbar">
        <label htmlFor={`${uid}-scope`}>Connector</label>
        <select id={`${uid}-scope`} data-testid="charts-connector" value={scope ?? ''} onChange={(e) => setScope(e.target.value || null)}>
          <option value="">all (overall)</option>
          {ids.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
        <label htmlFor={`${uid}-window`}>Window</label>
        <select
          id={`${uid}-window`}
          data-testid="charts-window"
          value={windowS == null ? '' : String(windowS)}
          onChange={(e) => setWindowS(e.target.value === '' ? null : Number(e.target.value))}
        >
          {WINDOWS.map((w) => (
            <option key={w.label} value={w.seconds == null ? '' : String(w.seconds)}>
              {w.label}
            </option>
          ))}
        </select>
        <BaselinePicker exclude={props.runId ?? null} onPick={setEarlier} />
        {zoom && (
          <button type="button" className="btn" data-testid="charts-zoom-reset" onClick={() => setZoom(null)}>
            Reset zoom
          </button>
        )}
        <span className="muted chart-points" aria-live="off">
          {t.length === 0
            ? 'waiting for the first metrics…'
            : `${t.length} points kept (older ones folded, spikes kept) · click a second for what happened in it · drag to zoom, double-click to reset`}
        </span>
      </div>
      {thresholds && thresholds.length > 0 && <VerdictStrip thresholds={thresholds} live={props.thresholdsLive ?? false} />}
      {baselines.length > 0 && (
        <p className="muted" data-testid="charts-baselines">
          Faint lines: {baselines.map((b) => b.name).join(', ')} (ops/s on throughput, p99 on latency; overall view)
        </p>
      )}
      <MarkerLegend recent={recent} />
      <LanesChart store={store} version={version} from={from} scope={scope} markerIds={markerIds} zoom={zoom} onZoom={setZoom} onPick={pick} />
      <div className="chart-grid">
        {specs.map((s) => (
          <UPlotChart key={s.name} spec={s} overlay={overlays.get(s.name)} store={store} version={version} from={from} markerIds={markerIds} zoom={zoom} onZoom={setZoom} onPick={pick} />
        ))}
      </div>
      {picked != null && <SecondDrawer t={picked} connectors={drawerConnectors} store={store} onClose={closeDrawer} />}
    </section>
  );
}

function lowerBoundMarkers(list: readonly { t: number }[], from: number): number {
  return lowerBound(
    list.map((m) => m.t),
    from,
  );
}

/** `prev` when `next` draws the same lines (baselines compared by identity: they change only when picked). */
export function sameOverlay(prev: Overlay | undefined, next: Overlay): Overlay {
  if (next.thresholds.length === 0 && next.baselines.length === 0) return NO_OVERLAY;
  if (
    prev &&
    prev.baselines.length === next.baselines.length &&
    prev.baselines.every((b, i) => b.label === next.baselines[i].label && b.t.length === next.baselines[i].t.length && b.t[0] === next.baselines[i].t[0]) &&
    JSON.stringify(prev.thresholds) === JSON.stringify(next.thresholds)
  ) {
    return prev;
  }
  return next;
}
