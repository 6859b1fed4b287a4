/**
 * What each chart of the live timeline shows, as data: its series (which store column, colour, axis), and the
 * shaping of the store's columns into uPlot's aligned arrays (time window, stacking, per-connector offsets).
 */
import { lowerBound } from '../live/downsample';
import { col, OVERALL } from '../live/rates';
import { ERROR_CLASSES } from '../live/types';

/** The charts, in page order (their `data-testid` is `chart-<name>`). */
export const CHART_NAMES = [
  'throughput',
  'latency',
  'errors',
  'retries',
  'rate_limited',
  'bucket',
  'circuit',
  'dlq',
  'token_refreshes',
  'drift',
] as const;
export type ChartName = (typeof CHART_NAMES)[number];

/** One line of a chart. */
export interface SeriesSpec {
  label: string;
  column: string;
  color: string;
  /** The axis it is read against: `y` (left) or `y2` (right). */
  scale: 'y' | 'y2';
  unit: string;
  dash?: number[];
  fill?: boolean;
  step?: boolean;
  /** Added to every plotted value (not to the legend's): keeps overlapping step lines apart. */
  offset?: number;
  /** Legend text of a value instead of the number (circuit states). */
  names?: Record<number, string>;
}

/** One chart. */
export interface ChartSpec {
  name: ChartName;
  title: string;
  yLabel: string;
  y2Label?: string;
  series: SeriesSpec[];
  /** Series are stacked (each plotted as the sum of itself and the ones after it). */
  stacked?: boolean;
  /** A fixed y range, else from the data (with 0 included). */
  yRange?: [number, number];
  /** Tick labels of a categorical y axis. */
  yNames?: Record<number, string>;
}

const CONNECTOR_COLORS: Record<string, string> = {
  salesforce_mock: '#4dabf7',
  mongodb_mock: '#69db7c',
  stripe_mock: '#b197fc',
  github_mock: '#ffd43b',
  supabase_mock: '#3bc9db',
  datadog_mock: '#f783ac',
};
const EXTRA_COLORS = ['#ff922b', '#a9e34b', '#e599f7', '#74c0fc', '#ffa8a8', '#63e6be'];

/** A stable colour per connector: the six built-ins have theirs, others take one by position. */
export function connectorColor(id: string, index: number): string {
  return CONNECTOR_COLORS[id] ?? EXTRA_COLORS[index % EXTRA_COLORS.length];
}

const ERROR_COLORS: Record<string, string> = {
  server_error: '#ff6b6b',
  network_error: '#ffa94d',
  timeout: '#ffd43b',
  rate_limit: '#b197fc',
  auth_expired: '#4dabf7',
  invalid_creds: '#f783ac',
  circuit_open: '#adb5bd',
  client_error: '#69db7c',
};

const CIRCUIT_NAMES: Record<number, string> = { 0: 'closed', 1: 'half-open', 2: 'open' };

/** The charts for the overall view (`scope` null) or one connector, given every connector id. */
export function chartSpecs(scope: string | null, connectorIds: readonly string[]): ChartSpec[] {
  const s = scope ?? OVERALL;
  const c = (f: string) => col(s, f);
  const who = scope ?? 'all connectors';
  const line = (label: string, column: string, color: string, unit: string, extra: Partial<SeriesSpec> = {}): SeriesSpec => ({
    label,
    column,
    color,
    unit,
    scale: 'y',
    ...extra,
  });
  const specs: ChartSpec[] = [
    {
      name: 'throughput',
      title: `Throughput — ${who}`,
      yLabel: 'req/s',
      series: [
        line('actual (attempts/s)', c('attempts'), '#ffa94d', 'req/s'),
        line('effective (calls/s)', c('calls'), '#69db7c', 'req/s'),
      ],
    },
    {
      name: 'latency',
      title: `Latency percentiles — ${who}`,
      yLabel: 'ms',
      series: [
        line('p50', c('p50'), '#69db7c', 'ms'),
        line('p95', c('p95'), '#ffd43b', 'ms'),
        line('p99', c('p99'), '#ff922b', 'ms'),
        line('max', c('max'), '#ff6b6b', 'ms', { dash: [4, 4] }),
      ],
    },
    {
      name: 'errors',
      title: `Failed attempts by error class — ${who}`,
      yLabel: 'errors/s',
      stacked: true,
      series: ERROR_CLASSES.map((k) => line(k, c(`err_${k}`), ERROR_COLORS[k], '/s', { fill: true })),
    },
    {
      name: 'retries',
      title: `Retries — ${who}`,
      yLabel: 'retries/s',
      series: [line('retries', c('retries'), '#4dabf7', '/s')],
    },
    {
      name: 'rate_limited',
      title: `Rate-limited answers (429) — ${who}`,
      yLabel: '429/s',
      series: [line('429s', c('rate_limited'), '#b197fc', '/s')],
    },
  ];
  if (scope) {
    specs.push(
      {
        name: 'bucket',
        title: `Token bucket and learned rate — ${scope}`,
        yLabel: 'tokens',
        y2Label: 'req/s',
        series: [
          line('tokens', col(scope, 'tokens'), '#3bc9db', 'tokens', { fill: true }),
          line('rate', col(scope, 'rate_rps'), '#ffd43b', 'req/s', { scale: 'y2' }),
          line('learned limit', col(scope, 'learned_rps'), '#ff6b6b', 'req/s', { scale: 'y2', dash: [6, 4] }),
        ],
      },
      {
        name: 'circuit',
        title: `Circuit state — ${scope}`,
        yLabel: 'state',
        yRange: [-0.2, 2.2],
        yNames: CIRCUIT_NAMES,
        series: [line('circuit', col(scope, 'circuit'), '#ffa94d', '', { step: true, names: CIRCUIT_NAMES })],
      },
    );
  } else {
    specs.push(
      {
        name: 'bucket',
        title: 'Limiter rate per connector (select one for its bucket and learned limit)',
        yLabel: 'req/s',
        series: connectorIds.map((id, i) => line(id, col(id, 'rate_rps'), connectorColor(id, i), 'req/s')),
      },
      {
        name: 'circuit',
        title: 'Circuit state per connector',
        yLabel: 'state',
        yRange: [-0.2, 2.2 + connectorIds.length * 0.05],
        yNames: CIRCUIT_NAMES,
        series: connectorIds.map((id, i) =>
          line(id, col(id, 'circuit'), connectorColor(id, i), '', { step: true, names: CIRCUIT_NAMES, offset: i * 0.05 }),
        ),
      },
    );
  }
  specs.push(
    {
      name: 'dlq',
      title: 'Dead-letter queue (all connectors)',
      yLabel: 'pending',
      y2Label: 'oldest s',
      series: [
        line('pending', 'dlq_pending', '#ff6b6b', 'entries', { fill: true }),
        line('oldest pending age', 'dlq_oldest_s', '#ffd43b', 's', { scale: 'y2' }),
      ],
    },
    {
      name: 'token_refreshes',
      title: `Token refreshes — ${who}`,
      yLabel: 'refreshes/s',
      series: [
        line('refreshed', c('token_refreshed'), '#4dabf7', '/s'),
        line('failed', c('token_refresh_failed'), '#ff6b6b', '/s', { dash: [4, 3] }),
      ],
    },
    {
      name: 'drift',
      title: `Schema drift detected — ${who}`,
      yLabel: 'drifts/s',
      series: [line('drift events', c('drift'), '#f783ac', '/s')],
    },
  );
  return specs;
}

/** The columns the charts read: a time axis and named columns (the series store satisfies it). */
export interface ColumnSource {
  readonly t: readonly number[];
  column(name: string): readonly (number | null)[];
}

/** A chart's data: what uPlot draws (`[t, ...plotted]`) and the true values for the legend (`raw`). */
export interface ChartData {
  plotted: (number | null)[][];
  raw: (number | null)[][];
}

/**
 * The data of one chart from `from` (epoch seconds; -Infinity for everything): each series' column, stacked
 * (sum of itself and the series after it, nulls as 0 where another series has a value) or offset as the spec says.
 */
export function chartData(src: ColumnSource, spec: ChartSpec, from = -Infinity): ChartData {
  const i0 = Number.isFinite(from) ? lowerBound(src.t as number[], from) : 0;
  const t = src.t.slice(i0) as number[];
  const raw = spec.series.map((s) => src.column(s.column).slice(i0) as (number | null)[]);
  let plotted: (number | null)[][];
  if (spec.stacked) plotted = stack(raw);
  else
    plotted = raw.map((c, k) => {
      const off = spec.series[k].offset ?? 0;
      return off === 0 ? c : c.map((v) => (v == null ? null : v + off));
    });
  return { plotted: [t, ...plotted], raw: [t, ...raw] };
}

/** Stacks columns: row i of the result k is the sum of columns k..last at i; null where all of them are null. */
export function stack(cols: (number | null)[][]): (number | null)[][] {
  if (cols.length === 0) return [];
  const n = cols[0].length;
  const out = cols.map(() => new Array<number | null>(n).fill(null));
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let any = false;
    for (let k = cols.length - 1; k >= 0; k--) {
      const v = cols[k][i];
      if (v != null) {
        sum += v;
        any = true;
      }
      out[k][i] = any ? sum : null;
    }
  }
  return out;
}

/** A window choice of the timeline: its label and how many seconds back (null: everything kept). */
export const WINDOWS: { label: string; seconds: number | null }[] = [
  { label: 'last 1 min', seconds: 60 },
  { label: 'last 5 min', seconds: 300 },
  { label: 'last 15 min', seconds: 900 },
  { label: 'last hour', seconds: 3600 },
  { label: 'everything', seconds: null },
];
