/** One uPlot chart of the timeline: created once per spec, then updated in place each second with setData. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { markersFor } from '../live/markers';
import type { SeriesStore } from '../live/store';
import { markersPlugin } from './markersPlugin';
import { NO_OVERLAY, overlayPlugin, type Overlay } from './overlay';
import { chartFrames } from './frames';
import { applyZoom, chartOptions, HEIGHT, zoomPlugin, type Zoom } from './plot';
import { chartData, type ChartData, type ChartSpec } from './specs';

export { SYNC_KEY } from './plot';

/** Props of {@link UPlotChart}. */
export interface UPlotChartProps {
  spec: ChartSpec;
  store: SeriesStore;
  /** Store version: a change redraws with the latest data. */
  version: number;
  /** Start of the shared window (epoch seconds), -Infinity for everything. */
  from: number;
  /** Ids whose markers are shown (null: all). */
  markerIds: string[] | null;
  /** The shared zoom (null: the whole window). */
  zoom: Zoom;
  onZoom(zoom: Zoom): void;
  /** A click on a second (opens the drawer of what happened in it). */
  onPick?(t: number): void;
  /** Threshold lines and faint baseline lines drawn over the series. */
  overlay?: Overlay;
}

/** A chart container with `data-testid="chart-<name>"` and `data-points` = the x points it holds. */
export function UPlotChart(props: UPlotChartProps) {
  const { spec, store, version, from, markerIds, zoom } = props;
  const box = useRef<HTMLDivElement>(null);
  const plotEl = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const raw = useRef<ChartData | null>(null);
  const markerIdsRef = useRef(markerIds);
  markerIdsRef.current = markerIds;
  const onZoomRef = useRef(props.onZoom);
  onZoomRef.current = props.onZoom;
  const onPickRef = useRef(props.onPick);
  onPickRef.current = props.onPick;
  const overlay = props.overlay ?? NO_OVERLAY;
  const overlayRef = useRef(overlay);
  overlayRef.current = overlay;

  // Create once per spec (a new connector selection gives a new spec), destroy on unmount.
  useEffect(() => {
    const el = plotEl.current!;
    const data = chartData(store, spec, from);
    raw.current = data;
    const plugins = [overlayPlugin(() => overlayRef.current), markersPlugin(() => markersFor(store.markers, markerIdsRef.current)), zoomPlugin({ onZoom: (z) => onZoomRef.current(z), onPick: (t) => onPickRef.current?.(t) })];
    box.current?.setAttribute('data-points', String(data.plotted[0].length));
    const u = new uPlot(chartOptions(spec, Math.max(200, el.clientWidth), raw, plugins), data.plotted as uPlot.AlignedData, el);
    u.root.querySelector('canvas')?.setAttribute('aria-label', spec.title);
    u.root.querySelector('canvas')?.setAttribute('role', 'img');
    chart.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: HEIGHT });
    });
    ro.observe(el);
    return () => {
      chartFrames.cancel(box);
      ro.disconnect();
      u.destroy();
      chart.current = null;
    };
    // `from`, `version` and `zoom` are applied by the effect below, without recreating the chart.
  }, [spec, store]);

  // Every store change (a second's row, a marker) or zoom: new data in place, in this chart's turn of the frame
  // queue (all charts redrawn in one task made the page's longest tasks). The drawing is done inside the job
  // (uPlot's batch), not in a microtask after it, so the queue's per-frame budget sees what it costs.
  useEffect(() => {
    chartFrames.schedule(box, () => {
      const u = chart.current;
      if (!u) return;
      const data = chartData(store, spec, from);
      raw.current = data;
      u.batch(() => {
        u.setData(data.plotted as uPlot.AlignedData, zoom == null);
        applyZoom(u, zoom);
      });
      box.current?.setAttribute('data-points', String(data.plotted[0].length));
    });
  }, [version, from, markerIds, spec, store, zoom]);

  // New verdicts (each poll during a run) redraw the lines without new data (a data redraw queued draws them too).
  useEffect(() => {
    box.current?.setAttribute('data-thresholds', String(overlay.thresholds.length));
    box.current?.setAttribute('data-baselines', String(overlay.baselines.length));
    if (!chartFrames.has(box)) chartFrames.schedule(box, () => chart.current?.redraw(false, false));
  }, [overlay]);

  return (
    <figure className="chart panel" data-testid={`chart-${spec.name}`} ref={box}>
      <figcaption className="chart-title">{spec.title}</figcaption>
      <div ref={plotEl} className="chart-plot" />
    </figure>
  );
}
