/** The marker lanes above the charts (phases, chaos, breakers, token refreshes, drift), on the charts' own time axis. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { lowerBound } from '../live/downsample';
import { markersFor } from '../live/markers';
import { col, OVERALL } from '../live/rates';
import type { SeriesStore } from '../live/store';
import { LANES_HEIGHT, lanesOptions } from './lanes';
import { chartFrames } from './frames';
import { applyZoom, zoomPlugin, type Zoom } from './plot';

/** Props of {@link LanesChart}. */
export interface LanesChartProps {
  store: SeriesStore;
  version: number;
  from: number;
  /** The scope whose token refreshes make the density strip (null: overall). */
  scope: string | null;
  markerIds: string[] | null;
  zoom: Zoom;
  onZoom(zoom: Zoom): void;
  /** A click on a second (opens the drawer of what happened in it). */
  onPick?(t: number): void;
}

function laneData(store: SeriesStore, from: number): { t: number[]; i0: number } {
  const i0 = Number.isFinite(from) ? lowerBound(store.t as number[], from) : 0;
  return { t: store.t.slice(i0) as number[], i0 };
}

/** `data-testid="chart-lanes"`, with `data-story-markers` = the phase, chaos, breaker and drift markers it holds. */
export function LanesChart(props: LanesChartProps) {
  const { store, version, from, scope, markerIds, zoom } = props;
  const plotEl = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const state = useRef({ from, scope, markerIds, i0: 0 });
  state.current = { ...state.current, from, scope, markerIds };
  const onZoomRef = useRef(props.onZoom);
  onZoomRef.current = props.onZoom;
  const onPickRef = useRef(props.onPick);
  onPickRef.current = props.onPick;

  useEffect(() => {
    const el = plotEl.current!;
    const src = {
      markers: () => markersFor(store.markers, state.current.markerIds),
      tokens: () => store.column(col(state.current.scope ?? OVERALL, 'token_refreshed')).slice(state.current.i0),
    };
    const { t, i0 } = laneData(store, state.current.from);
    state.current.i0 = i0;
    const u = new uPlot(lanesOptions(Math.max(200, el.clientWidth), src, [zoomPlugin({ onZoom: (z) => onZoomRef.current(z), onPick: (t) => onPickRef.current?.(t) })]),
      [t, t.map(() => null)] as uPlot.AlignedData, el);
    u.root.querySelector('canvas')?.setAttribute('aria-label', 'marker lanes: scenario phases, chaos levels, breakers, token refreshes, drift');
    u.root.querySelector('canvas')?.setAttribute('role', 'img');
    chart.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: LANES_HEIGHT });
    });
    ro.observe(el);
    return () => {
      chartFrames.cancel(box);
      ro.disconnect();
      u.destroy();
      chart.current = null;
    };
  }, [store]);

  // Redrawn in its turn of the frame queue, like the charts (see UPlotChart).
  useEffect(() => {
    chartFrames.schedule(box, () => {
      const u = chart.current;
      if (!u) return;
      const { t, i0 } = laneData(store, from);
      state.current.i0 = i0;
      u.batch(() => {
        u.setData([t, t.map(() => null)] as uPlot.AlignedData, zoom == null);
        applyZoom(u, zoom);
      });
      const story = markersFor(store.markers, markerIds).filter((m) => m.kind !== 'token').length;
      box.current?.setAttribute('data-story-markers', String(story));
    });
  }, [version, from, scope, markerIds, store, zoom]);

  return (
    <figure className="chart panel lanes" data-testid="chart-lanes" ref={box}>
      <figcaption className="chart-title">Markers — phases, chaos, breakers, token refreshes, drift</figcaption>
      <div ref={plotEl} className="chart-plot" />
    </figure>
  );
}
