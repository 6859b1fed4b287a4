/**
 * The uPlot options every timeline chart shares (Live, a recorded run, the HTML report): one time axis with whole-second
 * ticks, the same left and right gutters on every chart so one instant is at the same x on all of them, a synced
 * cursor, and drag-to-zoom that zooms every chart together. Plain functions, no React: the report viewer uses them too.
 */
import uPlot from 'uplot';
import { clock } from '../live/time';
import { formatValue } from './format';
import type { ChartData, ChartSpec } from './specs';

/** The key all charts share so one cursor moves across them. */
export const SYNC_KEY = 'gauntlet-timeline';
/** Width of the left (y) and right (y2) axis gutters of every chart, in CSS px. */
export const GUTTER_LEFT = 64;
export const GUTTER_RIGHT = 56;
export const HEIGHT = 150;

export const AXIS = { stroke: '#9aa4b2', grid: { stroke: '#262d3a', width: 1 }, ticks: { stroke: '#262d3a', width: 1 } };

/** Tick steps of the time axis, in seconds: never under a second. */
export const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400];

/** A zoomed x range (epoch seconds), or null for the whole window. */
export type Zoom = [number, number] | null;

/** What a chart tells its owner. */
export interface PlotHooks {
  /** A drag selected a time range (or a double-click asked for the whole window again: null). */
  onZoom?(zoom: Zoom): void;
  /** A click (not a drag) on the second of time `t` (a row of the data). */
  onPick?(t: number): void;
}

function alpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/** Time-axis tick labels: HH:MM:SS, or HH:MM once ticks are a minute or more apart. */
export function timeTicks(_u: uPlot, splits: number[], _ax: number, _space: number, incr: number): string[] {
  return splits.map((t) => (incr >= 60 ? clock(t).slice(0, 5) : clock(t)));
}

/** The x axis of every chart. */
export function timeAxis(): uPlot.Axis {
  return { ...AXIS, space: 80, incrs: TIME_INCRS, values: timeTicks };
}

/** The left axis gutter of a chart that draws no y values (kept so the plot lines up with the others). */
export function emptyAxis(side: 1 | 3, size: number, scale = 'y'): uPlot.Axis {
  return { scale, side, size, stroke: 'transparent', grid: { show: false }, ticks: { show: false }, values: () => [] };
}

/**
 * Drag to select a time range: reports it through `hooks.onZoom` and clears the selection (the owner zooms every
 * chart); a click without a drag picks the second under the pointer (`hooks.onPick`).
 */
export function zoomPlugin(hooks: PlotHooks): uPlot.Plugin {
  let downX: number | null = null;
  return {
    hooks: {
      init: (u: uPlot) => {
        u.over.addEventListener('dblclick', () => hooks.onZoom?.(null));
        u.over.addEventListener('mousedown', (e) => (downX = e.clientX));
        u.over.addEventListener('click', (e) => {
          // The click that ends a drag on this chart is not a pick (a drag elsewhere is synced here without a click).
          const moved = downX != null && Math.abs(e.clientX - downX) > 4;
          downX = null;
          if (moved) return;
          const idx = u.cursor.idx;
          const t = idx == null ? undefined : (u.data[0] as number[])[idx];
          if (t != null) hooks.onPick?.(t);
        });
      },
      setSelect: (u: uPlot) => {
        const { left, width } = u.select;
        if (width > 4) {
          const a = u.posToVal(left, 'x');
          const b = u.posToVal(left + width, 'x');
          if (Number.isFinite(a) && Number.isFinite(b) && b > a) hooks.onZoom?.([a, b]);
        }
        if (width > 0) u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
      },
    },
  };
}

/** The cursor of every chart: synced, drag along x to select (the zoom plugin turns it into a zoom). */
export function cursor(): uPlot.Cursor {
  return { sync: { key: SYNC_KEY, setSeries: false }, drag: { x: true, y: false, setScale: false } };
}

/** A timeline chart's options; `raw` holds the true values the legend shows (the plot may be stacked or offset). */
export function chartOptions(spec: ChartSpec, width: number, raw: { current: ChartData | null }, plugins: uPlot.Plugin[]): uPlot.Options {
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
    timeAxis(),
    {
      ...AXIS,
      scale: 'y',
      label: spec.yLabel,
      labelSize: 16,
      size: GUTTER_LEFT,
      values: yValues(yUnit),
      ...(spec.yNames ? { splits: () => [0, 1, 2] } : {}),
    },
    hasY2
      ? {
          ...AXIS,
          scale: 'y2',
          side: 1,
          label: spec.y2Label,
          labelSize: 16,
          size: GUTTER_RIGHT,
          grid: { show: false },
          values: yValues(spec.series.find((s) => s.scale === 'y2')!.unit),
        }
      : emptyAxis(1, GUTTER_RIGHT),
  ];
  const autoRange = (_u: uPlot, min: number | null, max: number | null) =>
    [Math.min(0, min ?? 0), Math.max(1, (max ?? 1) * 1.05)] as uPlot.Range.MinMax;
  return {
    width,
    height: HEIGHT,
    cursor: cursor(),
    select: { show: true, left: 0, top: 0, width: 0, height: 0 },
    scales: {
      x: { time: true },
      y: spec.yRange ? { range: spec.yRange } : { range: autoRange },
      ...(hasY2 ? { y2: { range: autoRange } } : {}),
    },
    axes,
    legend: { show: true, live: true },
    series: [
      {
        label: 'time',
        value: (_u: uPlot, v: number | null) => {
          const t = v ?? raw.current?.raw[0]?.at(-1) ?? null;
          return t == null ? '–' : `${clock(t)}${v == null ? ' (latest)' : ''}`;
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
    plugins,
  };
}

/** Applies the shared zoom to a chart after new data (uPlot re-fits x to the data on setData). */
export function applyZoom(u: uPlot, zoom: Zoom): void {
  if (zoom) u.setScale('x', { min: zoom[0], max: zoom[1] });
}
