/**
 * What is drawn over a timeline chart besides its own series: the run's thresholds as horizontal lines (the same
 * threshold results the report gates on, evaluated live by the harness while the run goes) and baselines (the naive
 * client of `--compare`) as faint lines. Pure shaping here; `overlayPlugin` draws it.
 */
import type uPlot from 'uplot';
import type { ThresholdResult } from '../api/types';
import { parseThreshold } from '../runs/thresholds';
import { formatValue } from './format';
import type { ChartName } from './specs';

/** One threshold as a line: its limit on the chart's y axis; `pass` null while not measured yet. */
export interface ThresholdLine {
  value: number;
  label: string;
  pass: boolean | null;
}

/** A baseline's per-second values on one chart (epoch seconds, values), drawn faint. */
export interface BaselineLine {
  label: string;
  t: number[];
  v: number[];
}

/** Everything drawn over one chart. */
export interface Overlay {
  thresholds: ThresholdLine[];
  baselines: BaselineLine[];
}

export const NO_OVERLAY: Overlay = { thresholds: [], baselines: [] };

/** A baseline run's series as report.json has it (`t` in seconds from its start). */
export interface BaselineSeries {
  name: string;
  points: { t: number; req_per_s: number; p99_ms: number }[];
}

/** An earlier run as a baseline: its report's per-second series (null when it has none). */
export function runAsBaseline(id: string, report: { series?: BaselineSeries['points'] | null } | null | undefined): BaselineSeries | null {
  const points = report?.series ?? [];
  return points.length === 0 ? null : { name: id, points };
}

// Which metric a chart can show a limit of, and the unit of its y axis.
const CHART_METRICS: Partial<Record<ChartName, { metrics: string[]; unit: string }>> = {
  latency: { metrics: ['p50_ms', 'p95_ms', 'p99_ms', 'max_ms'], unit: 'ms' },
  throughput: { metrics: ['req_per_s'], unit: 'req/s' },
};

/**
 * The thresholds that apply to `chart` in `scope` (null: overall): a run-wide threshold on the overall charts, a
 * `{connector=*}` one on every connector's, a `{connector=id}` one on that connector's.
 */
export function thresholdLinesFor(chart: ChartName, scope: string | null, results: readonly ThresholdResult[]): ThresholdLine[] {
  const m = CHART_METRICS[chart];
  if (!m) return [];
  const out: ThresholdLine[] = [];
  for (const r of results) {
    const p = parseThreshold(r.expr);
    if (!p || !m.metrics.includes(p.metric)) continue;
    const applies = p.connector === null ? scope === null : p.connector === '*' ? scope !== null : p.connector === scope;
    if (!applies) continue;
    const measured = r.value !== null && r.value !== undefined && Number.isFinite(r.value);
    out.push({ value: p.limit, label: `${p.metric} ${p.op} ${formatValue(p.limit, m.unit)}`, pass: measured ? r.pass : null });
  }
  return out;
}

/**
 * The baselines' lines on `chart` (overall only: a baseline's series is run-wide): ops/s on throughput, p99 on latency,
 * placed on the mesh run's clock by offsetting each baseline's seconds from `start` (the mesh run's first second).
 */
export function baselineLinesFor(chart: ChartName, scope: string | null, baselines: readonly BaselineSeries[], start: number): BaselineLine[] {
  if (scope !== null || !Number.isFinite(start)) return [];
  const field = chart === 'throughput' ? 'req_per_s' : chart === 'latency' ? 'p99_ms' : null;
  if (!field) return [];
  return baselines
    .filter((b) => b.points.length > 0)
    .map((b) => ({
      label: `${b.name} ${field === 'req_per_s' ? 'ops/s' : 'p99'}`,
      t: b.points.map((p) => start + p.t),
      v: b.points.map((p) => p[field]),
    }));
}

const PASS = '#51cf66';
const FAIL = '#ff6b6b';
const UNKNOWN = '#adb5bd';
const BASELINE = 'rgba(222, 226, 230, 0.45)';

/** Draws the overlay `get` returns (read at each redraw); a limit above the y range is labelled at the top with ↑. */
export function overlayPlugin(get: () => Overlay): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const o = get();
        if (o.thresholds.length === 0 && o.baselines.length === 0) return;
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        const dpr = devicePixelRatio || 1;
        ctx.save();
        ctx.beginPath();
        ctx.rect(left, top, width, height);
        ctx.clip();
        ctx.lineWidth = dpr;
        ctx.setLineDash([]);
        for (const b of o.baselines) {
          ctx.strokeStyle = BASELINE;
          ctx.beginPath();
          let started = false;
          for (let i = 0; i < b.t.length; i++) {
            const x = u.valToPos(b.t[i], 'x', true);
            const y = u.valToPos(b.v[i], 'y', true);
            if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
            if (started) ctx.lineTo(x, y);
            else ctx.moveTo(x, y);
            started = true;
          }
          ctx.stroke();
        }
        ctx.font = `${10 * dpr}px system-ui, sans-serif`;
        ctx.textAlign = 'right';
        for (const th of o.thresholds) {
          const color = th.pass === null ? UNKNOWN : th.pass ? PASS : FAIL;
          const yMax = u.scales.y.max ?? Infinity;
          const above = th.value > yMax;
          const y = above ? top + 10 * dpr : Math.round(u.valToPos(th.value, 'y', true));
          ctx.strokeStyle = color;
          ctx.fillStyle = color;
          if (!above) {
            ctx.setLineDash([6 * dpr, 4 * dpr]);
            ctx.beginPath();
            ctx.moveTo(left, y);
            ctx.lineTo(left + width, y);
            ctx.stroke();
          }
          ctx.fillText(`${th.label}${above ? ' ↑' : ''}`, left + width - 4 * dpr, above ? y : y - 3 * dpr);
        }
        ctx.restore();
      },
    },
  };
}
