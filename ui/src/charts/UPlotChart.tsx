/** One uPlot chart of the live timeline: created once per spec, then updated in place each second with setData. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { markersFor } from '../live/markers';
import type { SeriesStore } from '../live/store';
import { formatValue } from './format';
import { markersPlugin } from './markersPlugin';
import { chartData, type ChartData, type ChartSpec } from './specs';

/** The key all charts share so one cursor moves across them. */
export const SYNC_KEY = 'gauntlet-timeline';

const AXIS = { stroke: '#9aa4b2', grid: { stroke: '#262d3a', width: 1 }, ticks: { stroke: '#262d3a', width: 1 } };
const HEIGHT = 150;

function alpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

function options(spec: ChartSpec, width: number, raw: { current: ChartData | null }, plugin: uPlot.Plugin): uPlot.Options {
  const stepped = uPlot.paths.stepped!({ align: 1 });
  const last = spec.series.length;
  // Away from the plot the legend shows the latest value, under the cursor the value at the cursor.
  const legendValue = (k: number) => (_u: uPlot, _v: number, _sIdx: number, idx: number | null) => {
    const col = raw.current?.raw[k + 1];
    if (!col || col.length === 0) return '–';
    const v = col[idx ?? col.length - 1] ?? null;
    const s = spec.series[k];
    if (v != null && s.names) return s.names[Math.round(v)] ?? String(v);
    return formatValue(v, s.unit);
  };
  const yValues = (unit: string) => (_u: uPlot, splits: number[]) =>
    splits.map((v) => (spec.yNames ? (Number.isInteger(v) ? (spec.yNames[v] ?? '') : '') : formatValue(v, unit === 'ms' ? 'ms' : '')));
  const yUnit = spec.series.find((s) => s.scale === 'y')?.unit ?? '';
  const hasY2 = spec.series.some((s) => s.scale === 'y2');
  const axes: uPlot.Axis[] = [
    { ...AXIS, space: 60 },
    { ...AXIS, scale: 'y', label: spec.yLabel, labelSize: 16, size: spec.yNames ? 72 : 56, values: yValues(yUnit), ...(spec.yNames ? { splits: () => [0, 1, 2] } : {}) },
  ];
  if (hasY2) axes.push({ ...AXIS, scale: 'y2', side: 1, label: spec.y2Label, labelSize: 16, size: 56, grid: { show: false }, values: yValues(spec.series.find((s) => s.scale === 'y2')!.unit) });
  return {
    width,
    height: HEIGHT,
    cursor: { sync: { key: SYNC_KEY, setSeries: false }, drag: { x: false, y: false, setScale: false } },
    scales: {
      x: { time: true },
      y: spec.yRange ? { range: spec.yRange } : { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, (max ?? 1) * 1.05)] },
      ...(hasY2 ? { y2: { range: (_u: uPlot, min: number | null, max: number | null) => [Math.min(0, min ?? 0), Math.max(1, (max ?? 1) * 1.05)] as uPlot.Range.MinMax } } : {}),
    },
    axes,
    legend: { show: true, live: true },
    series: [
      {
        label: 'time',
        value: (_u: uPlot, v: number | null) => {
          const t = v ?? raw.current?.raw[0]?.at(-1) ?? null;
          return t == null ? '–' : `${new Date(t * 1000).toLocaleTimeString()}${v == null ? ' (latest)' : ''}`;
        },
      },
      ...spec.series.map((s, k) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        scale: s.scale,
        dash: s.dash,
        spanGaps: false,
        points: { show: false },
        paths: s.step ? stepped : undefined,
        // Stacked: only the lowest layer fills to zero; the others fill down to the layer below (bands).
        fill: s.fill && (!spec.stacked || k === last - 1) ? alpha(s.color, spec.stacked ? 0.7 : 0.18) : undefined,
        value: legendValue(k),
      })),
    ],
    bands: spec.stacked
      ? spec.series.slice(0, -1).map((s, k) => ({ series: [k + 1, k + 2] as [number, number], fill: alpha(s.color, 0.7) }))
      : undefined,
    plugins: [plugin],
  };
}

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
}

/** A chart container with `data-testid="chart-<name>"` and `data-points` = the x points it holds. */
export function UPlotChart(props: UPlotChartProps) {
  const { spec, store, version, from, markerIds } = props;
  const box = useRef<HTMLDivElement>(null);
  const plotEl = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const raw = useRef<ChartData | null>(null);
  const markerIdsRef = useRef(markerIds);
  markerIdsRef.current = markerIds;

  // Create once per spec (a new connector selection gives a new spec), destroy on unmount.
  useEffect(() => {
    const el = plotEl.current!;
    const data = chartData(store, spec, from);
    raw.current = data;
    const plugin = markersPlugin(() => markersFor(store.markers, markerIdsRef.current));
    box.current?.setAttribute('data-points', String(data.plotted[0].length));
    const u = new uPlot(options(spec, Math.max(200, el.clientWidth), raw, plugin), data.plotted as uPlot.AlignedData, el);
    chart.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: HEIGHT });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      chart.current = null;
    };
    // `from` and `version` are applied by the effect below, without recreating the chart.
  }, [spec, store]);

  // Every store change (a second's row, a marker): new data in place.
  useEffect(() => {
    const u = chart.current;
    if (!u) return;
    const data = chartData(store, spec, from);
    raw.current = data;
    u.setData(data.plotted as uPlot.AlignedData);
    box.current?.setAttribute('data-points', String(data.plotted[0].length));
  }, [version, from, markerIds, spec, store]);

  return (
    <figure className="chart panel" data-testid={`chart-${spec.name}`} ref={box}>
      <figcaption className="chart-title">{spec.title}</figcaption>
      <div ref={plotEl} className="chart-plot" />
    </figure>
  );
}
