/**
 * The marker lanes above the charts: scenario phases and chaos levels as bands, breaker open/half-open spans, the
 * density of token refreshes (from the series, so none is ever lost) and drift pins. The lane model is plain data
 * (tested); the plugin draws it on a chart of its own that shares the charts' axis gutters, cursor and zoom.
 */
import type uPlot from 'uplot';
import { MARKER_COLORS } from '../live/markers';
import { clock } from '../live/time';
import type { Marker } from '../live/types';
import { cursor, emptyAxis, GUTTER_LEFT, GUTTER_RIGHT, timeAxis } from './plot';

/** A coloured stretch of time in a lane. */
export interface Band {
  from: number;
  /** End (epoch s); Infinity: still going. */
  to: number;
  label: string;
  color: string;
  /** Breaker spans: the connector. */
  connector?: string | null;
}

/** Everything the lanes draw. */
export interface LaneModel {
  phases: Band[];
  chaos: Band[];
  breakers: Band[];
  drift: Marker[];
}

/** The lanes, top to bottom, with their names in the left gutter. */
export const LANES = ['phase', 'chaos', 'breaker', 'tokens', 'drift'] as const;
export type Lane = (typeof LANES)[number];

/** Colour of a chaos level (calm is quiet, hell is loud). */
export function levelColor(level: string | null | undefined): string {
  switch (level) {
    case 'calm':
      return '#2b8a3e';
    case 'mild':
      return '#e9c46a';
    case 'storm':
      return '#f08c00';
    case 'hell':
      return '#e03131';
    default:
      return '#868e96';
  }
}

const PHASE_COLORS = ['#7048e8', '#9775fa', '#5f3dc4', '#b197fc'];

/** Builds the lanes from the markers (time-ordered); `end` closes what is still open (the latest time shown). */
export function laneModel(markers: readonly Marker[], end: number): LaneModel {
  const phases: Band[] = [];
  const chaos: Band[] = [];
  const breakers: Band[] = [];
  const drift: Marker[] = [];
  const openBreaker = new Map<string, Band>();
  let k = 0;
  const close = (list: Band[], t: number) => {
    const last = list[list.length - 1];
    if (last && last.to === Infinity) last.to = t;
  };
  for (const m of markers) {
    switch (m.kind) {
      case 'phase': {
        close(phases, m.t);
        if (m.phase) {
          phases.push({ from: m.t, to: Infinity, label: `${m.phase}${m.level ? ` (chaos ${m.level})` : ''}`, color: PHASE_COLORS[k++ % PHASE_COLORS.length] });
        }
        break;
      }
      case 'chaos': {
        // A change for some services only is drawn as its own band; the level of all services ends the previous ones.
        close(chaos, m.t);
        const level = m.level ?? null;
        if (level && level !== 'calm') chaos.push({ from: m.t, to: Infinity, label: m.label, color: levelColor(level), connector: m.connector });
        else chaos.push({ from: m.t, to: m.t, label: m.label, color: levelColor('calm'), connector: m.connector });
        break;
      }
      case 'circuit': {
        const c = m.connector ?? '?';
        const open = openBreaker.get(c);
        if (open) {
          open.to = m.t;
          openBreaker.delete(c);
        }
        if (m.to === 'open' || m.to === 'half_open' || m.to === 'forced_open') {
          const b: Band = { from: m.t, to: Infinity, label: `${c} breaker ${m.to.replace('_', '-')}`, color: m.to === 'half_open' ? '#f59f00' : '#e03131', connector: c };
          breakers.push(b);
          openBreaker.set(c, b);
        }
        break;
      }
      case 'drift':
        drift.push(m);
        break;
      default:
        break;
    }
  }
  for (const list of [phases, chaos, breakers]) for (const b of list) if (b.to === Infinity) b.to = Math.max(b.from, end);
  return { phases, chaos, breakers, drift };
}

/** What the lanes say at time `t` (for the tooltip): the phase, the chaos level, the breakers open, drift near. */
export function lanesAt(model: LaneModel, t: number, nearS: number): string[] {
  const out: string[] = [];
  const at = (list: Band[]) => list.filter((b) => b.from <= t && t <= b.to);
  for (const b of at(model.phases)) out.push(`phase ${b.label}`);
  const ch = at(model.chaos);
  if (ch.length > 0) out.push(...ch.map((b) => b.label));
  for (const b of at(model.breakers)) out.push(b.label);
  for (const d of model.drift) if (Math.abs(d.t - t) <= nearS) out.push(`${clock(d.t)} ${d.label}`);
  return out;
}

const LANE_H = 14;
/** Height of the lanes chart (lanes plus the time axis). */
export const LANES_HEIGHT = LANES.length * LANE_H + 4 + 30;

/** Source of what the lanes draw, read at each redraw. */
export interface LaneSource {
  markers(): readonly Marker[];
  /** Token refreshes per second (time axis of the chart's data). */
  tokens(): readonly (number | null)[];
}

/** The lanes chart's options (one invisible series; the plugin draws everything). */
export function lanesOptions(width: number, src: LaneSource, plugins: uPlot.Plugin[]): uPlot.Options {
  return {
    width,
    height: LANES_HEIGHT,
    cursor: cursor(),
    select: { show: true, left: 0, top: 0, width: 0, height: 0 },
    scales: { x: { time: true }, y: { range: [0, 1] } },
    axes: [timeAxis(), emptyAxis(3, GUTTER_LEFT), emptyAxis(1, GUTTER_RIGHT)],
    legend: { show: false },
    series: [{}, { label: 'lanes', stroke: 'transparent', points: { show: false } }],
    plugins: [lanesPlugin(src), ...plugins],
  };
}

/** Draws the lanes and shows, under the pointer only, what they say at that second. */
export function lanesPlugin(src: LaneSource): uPlot.Plugin {
  let tip: HTMLDivElement | null = null;
  let hovered = false;
  let model: LaneModel = { phases: [], chaos: [], breakers: [], drift: [] };
  return {
    hooks: {
      init: (u: uPlot) => {
        tip = document.createElement('div');
        tip.className = 'marker-tip';
        tip.setAttribute('role', 'tooltip');
        tip.style.display = 'none';
        u.over.appendChild(tip);
        u.over.addEventListener('mouseenter', () => (hovered = true));
        u.over.addEventListener('mouseleave', () => {
          hovered = false;
          if (tip) tip.style.display = 'none';
        });
      },
      draw: (u: uPlot) => {
        const min = u.scales.x.min;
        const max = u.scales.x.max;
        if (min == null || max == null) return;
        const t = u.data[0] as number[];
        const end = t.length > 0 ? t[t.length - 1] : max;
        model = laneModel(src.markers(), end);
        const { ctx } = u;
        const dpr = devicePixelRatio || 1;
        const { left, top, width } = u.bbox;
        const h = LANE_H * dpr;
        const y = (lane: Lane) => top + LANES.indexOf(lane) * h;
        const xs = (v: number) => u.valToPos(Math.min(max, Math.max(min, v)), 'x', true);
        ctx.save();
        ctx.font = `${10 * dpr}px system-ui, sans-serif`;
        ctx.textBaseline = 'middle';
        // Lane names in the left gutter, and a faint rule under each lane.
        for (const lane of LANES) {
          ctx.fillStyle = '#9aa4b2';
          ctx.textAlign = 'right';
          ctx.fillText(lane, left - 6 * dpr, y(lane) + h / 2);
          ctx.fillStyle = 'rgba(255,255,255,0.04)';
          ctx.fillRect(left, y(lane) + 1, width, h - 2);
        }
        const band = (lane: Lane, b: Band, label: boolean, rows = 1, row = 0) => {
          if (b.to < min || b.from > max) return;
          const x0 = xs(b.from);
          const x1 = Math.max(x0 + 2 * dpr, xs(b.to));
          const bh = (h - 2) / rows;
          ctx.fillStyle = b.color;
          ctx.globalAlpha = 0.75;
          ctx.fillRect(x0, y(lane) + 1 + row * bh, x1 - x0, bh);
          ctx.globalAlpha = 1;
          if (label && x1 - x0 > 40 * dpr) {
            ctx.save();
            ctx.beginPath();
            ctx.rect(x0, y(lane), x1 - x0, h);
            ctx.clip();
            ctx.fillStyle = '#fff';
            ctx.textAlign = 'left';
            ctx.fillText(b.label, x0 + 3 * dpr, y(lane) + h / 2);
            ctx.restore();
          }
        };
        for (const b of model.phases) band('phase', b, true);
        for (const b of model.chaos) band('chaos', b, true);
        const ids = [...new Set(model.breakers.map((b) => b.connector ?? '?'))].sort();
        for (const b of model.breakers) band('breaker', b, false, Math.max(1, ids.length), ids.indexOf(b.connector ?? '?'));
        // Token refreshes: one cell per second, its opacity the share of the busiest second.
        const tok = src.tokens();
        let peak = 0;
        for (const v of tok) if (v != null && v > peak) peak = v;
        if (peak > 0) {
          ctx.fillStyle = MARKER_COLORS.token;
          for (let i = 0; i < t.length; i++) {
            const v = tok[i];
            if (v == null || v <= 0 || t[i] < min || t[i] > max) continue;
            const x0 = xs(i > 0 ? t[i - 1] : t[i] - 1);
            const x1 = Math.max(x0 + 1, xs(t[i]));
            ctx.globalAlpha = 0.15 + 0.85 * (v / peak);
            ctx.fillRect(x0, y('tokens') + 1, x1 - x0, h - 2);
          }
          ctx.globalAlpha = 1;
        }
        // Drift pins: a small triangle each.
        ctx.fillStyle = MARKER_COLORS.drift;
        for (const d of model.drift) {
          if (d.t < min || d.t > max) continue;
          const x = xs(d.t);
          ctx.beginPath();
          ctx.moveTo(x - 4 * dpr, y('drift') + 1);
          ctx.lineTo(x + 4 * dpr, y('drift') + 1);
          ctx.lineTo(x, y('drift') + h - 1);
          ctx.closePath();
          ctx.fill();
        }
        ctx.restore();
      },
      setCursor: (u: uPlot) => {
        if (!tip) return;
        const l = u.cursor.left;
        if (!hovered || l == null || l < 0) {
          tip.style.display = 'none';
          return;
        }
        const t = u.posToVal(l, 'x');
        const pxS = Math.abs(u.posToVal(l + 5, 'x') - t);
        const lines = lanesAt(model, t, pxS);
        const tokIdx = u.cursor.idx;
        const tok = tokIdx == null ? null : src.tokens()[tokIdx];
        if (tok != null && tok > 0) lines.push(`${tok.toFixed(tok < 10 ? 1 : 0)} token refreshes/s`);
        tip.textContent = '';
        const head = document.createElement('div');
        head.textContent = clock(t);
        tip.appendChild(head);
        for (const s of lines.slice(0, 6)) {
          const d = document.createElement('div');
          d.textContent = s;
          tip.appendChild(d);
        }
        if (lines.length > 6) {
          const more = document.createElement('div');
          more.textContent = `+${lines.length - 6} more`;
          tip.appendChild(more);
        }
        tip.style.display = 'block';
        const w = u.over.clientWidth;
        tip.style.left = l > w / 2 ? '' : `${l + 8}px`;
        tip.style.right = l > w / 2 ? `${w - l + 8}px` : '';
      },
    },
  };
}
