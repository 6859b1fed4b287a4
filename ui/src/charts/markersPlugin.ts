/**
 * A uPlot plugin drawing the markers that tell the story (phases, chaos, drift) as thin vertical lines
 * (colour by kind), with the labels of the nearest in a tooltip, shown only on the chart under the pointer (the other
 * charts follow the synced cursor but keep quiet). Token refreshes are a density strip in the lanes, not lines here.
 */
import type uPlot from 'uplot';
import { MARKER_COLORS } from '../live/markers';
import { clock } from '../live/time';
import type { Marker } from '../live/types';

/** How near (CSS px) the cursor must be to a marker line to show its label. */
const HOVER_PX = 5;

/** The markers within `px` pixels of `x` (pixel positions given by `pos`), nearest first. */
export function markersNear(list: readonly Marker[], x: number, pos: (t: number) => number, px = HOVER_PX): Marker[] {
  return list
    .map((m) => ({ m, d: Math.abs(pos(m.t) - x) }))
    .filter((e) => e.d <= px)
    .sort((a, b) => a.d - b.d)
    .map((e) => e.m);
}

/** The plugin; `get` returns the markers to draw (read at each redraw, so they can change between frames). */
export function markersPlugin(get: () => readonly Marker[], opts: { lines?: boolean } = {}): uPlot.Plugin {
  let tip: HTMLDivElement | null = null;
  let hovered = false;
  const lines = opts.lines ?? true;
  return {
    hooks: {
      init: (u: uPlot) => {
        tip = document.createElement('div');
        tip.className = 'marker-tip';
        tip.setAttribute('role', 'tooltip');
        tip.style.display = 'none';
        u.over.appendChild(tip);
        u.over.addEventListener('mouseenter', () => {
          hovered = true;
        });
        u.over.addEventListener('mouseleave', () => {
          hovered = false;
          if (tip) tip.style.display = 'none';
        });
      },
      draw: (u: uPlot) => {
        if (!lines) return;
        const min = u.scales.x.min;
        const max = u.scales.x.max;
        if (min == null || max == null) return;
        const { ctx } = u;
        const { top, height } = u.bbox;
        ctx.save();
        ctx.lineWidth = Math.max(1, devicePixelRatio || 1);
        ctx.globalAlpha = 0.55;
        for (const m of get()) {
          // Breakers flip dozens of times under chaos: their spans are in the lanes; lines here would hide the data.
          if (m.kind === 'token' || m.kind === 'circuit' || m.t < min || m.t > max) continue;
          const x = Math.round(u.valToPos(m.t, 'x', true));
          ctx.strokeStyle = MARKER_COLORS[m.kind];
          ctx.setLineDash(m.kind === 'drift' ? [2, 3] : []);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
        }
        ctx.restore();
      },
      setCursor: (u: uPlot) => {
        if (!tip) return;
        const left = u.cursor.left;
        if (!hovered || left == null || left < 0) {
          tip.style.display = 'none';
          return;
        }
        const near = markersNear(lines ? get().filter((m) => m.kind !== 'token' && m.kind !== 'circuit') : get(), left, (t) => u.valToPos(t, 'x'))
        if (near.length === 0) {
          tip.style.display = 'none';
          return;
        }
        const shown = near.slice(0, 4);
        tip.textContent = '';
        for (const m of shown) {
          const line = document.createElement('div');
          line.style.color = MARKER_COLORS[m.kind];
          line.textContent = `${clock(m.t)} ${m.label}`;
          tip.appendChild(line);
        }
        if (near.length > shown.length) {
          const more = document.createElement('div');
          more.textContent = `+${near.length - shown.length} more`;
          tip.appendChild(more);
        }
        tip.style.display = 'block';
        const w = u.over.clientWidth;
        tip.style.left = left > w / 2 ? '' : `${left + 8}px`;
        tip.style.right = left > w / 2 ? `${w - left + 8}px` : '';
      },
    },
  };
}
