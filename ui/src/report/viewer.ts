/**
 * The timeline of a run inside its self-contained report.html: the server puts the recorded timeline (gzip, base64)
 * and this script in the page; it draws the same lanes and charts as the Runs page, with no server and no network.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './viewer.css';
import { LANES_HEIGHT, lanesOptions } from '../charts/lanes';
import { markersPlugin } from '../charts/markersPlugin';
import { baselineLinesFor, overlayPlugin, thresholdLinesFor, type BaselineSeries } from '../charts/overlay';
import type { ThresholdResult } from '../api/types';
import { applyZoom, chartOptions, zoomPlugin, type Zoom } from '../charts/plot';
import { chartData, chartSpecs, type ChartData } from '../charts/specs';
import { MARKER_COLORS } from '../live/markers';
import { col, OVERALL } from '../live/rates';
import type { SeriesStore } from '../live/store';
import { clock } from '../live/time';
import { storeFromTimeline, timelineConnectors } from '../live/timeline';
import type { MeshEvent, MetricsSnapshot } from '../live/types';

/** Parses the timeline's JSON lines. */
export function parseLines(text: string): { metrics: MetricsSnapshot[]; events: MeshEvent[] } {
  const metrics: MetricsSnapshot[] = [];
  const events: MeshEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const j = JSON.parse(line) as { metrics?: MetricsSnapshot; event?: MeshEvent };
      if (j.metrics) metrics.push(j.metrics);
      else if (j.event) events.push(j.event);
    } catch {
      break; // a file cut short: what came before is still the timeline
    }
  }
  return { metrics, events };
}

async function inflate(base64: string): Promise<string> {
  const bin = atob(base64.trim());
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
}

/** What the report puts beside the timeline: its thresholds (lines) and each baseline's series (faint lines). */
export interface ReportOverlay {
  thresholds: ThresholdResult[];
  baselines: BaselineSeries[];
}

/** Reads the report's overlay block (`gauntlet-report-overlay`); none when it is missing or unreadable. */
export function readOverlay(text: string | null | undefined): ReportOverlay {
  try {
    const o = JSON.parse(text ?? '') as { thresholds?: ThresholdResult[]; baselines?: Record<string, BaselineSeries['points'] | null> };
    return {
      thresholds: o.thresholds ?? [],
      baselines: Object.entries(o.baselines ?? {}).map(([name, points]) => ({ name, points: points ?? [] })),
    };
  } catch {
    return { thresholds: [], baselines: [] };
  }
}

/** Draws the lanes and charts of `scope` into `grid`; returns a function that destroys them. */
function draw(grid: HTMLElement, store: SeriesStore, ids: string[], scope: string | null, extra: ReportOverlay): () => void {
  grid.textContent = '';
  const plots: { u: uPlot; refit(): void }[] = [];
  let zoom: Zoom = null;
  const setZoom = (z: Zoom) => {
    zoom = z;
    for (const p of plots) {
      if (z) applyZoom(p.u, z);
      else p.refit();
    }
  };
  const width = () => Math.max(300, grid.clientWidth - 16);
  const markerIds = scope ? [scope] : null;
  const markers = () => (markerIds ? store.markers.filter((m) => m.connector == null || markerIds.includes(m.connector)) : store.markers);

  const lanesBox = el('figure', { class: 'chart lanes', 'data-testid': 'chart-lanes' });
  lanesBox.appendChild(el('figcaption', { class: 'chart-title' }, 'Markers — phases, chaos, breakers, token refreshes, drift'));
  const lanesPlot = el('div', { class: 'chart-plot' });
  lanesBox.appendChild(lanesPlot);
  grid.appendChild(lanesBox);
  const t = store.t as number[];
  const laneSrc = { markers, tokens: () => store.column(col(scope ?? OVERALL, 'token_refreshed')) };
  const lanes = new uPlot(lanesOptions(width(), laneSrc, [zoomPlugin({ onZoom: setZoom })]), [t, t.map(() => null)] as uPlot.AlignedData, lanesPlot);
  lanes.setSize({ width: width(), height: LANES_HEIGHT });
  plots.push({ u: lanes, refit: () => lanes.setData([t, t.map(() => null)] as uPlot.AlignedData, true) });

  const charts = el('div', { class: 'chart-grid' });
  grid.appendChild(charts);
  for (const spec of chartSpecs(scope, ids)) {
    const box = el('figure', { class: 'chart', 'data-testid': `chart-${spec.name}` });
    box.appendChild(el('figcaption', { class: 'chart-title' }, spec.title));
    const plot = el('div', { class: 'chart-plot' });
    box.appendChild(plot);
    charts.appendChild(box);
    const data = chartData(store, spec);
    box.setAttribute('data-points', String(data.plotted[0].length));
    const raw: { current: ChartData | null } = { current: data };
    const w = Math.max(300, Math.floor(charts.clientWidth / 2) - 24);
    const overlay = {
      thresholds: thresholdLinesFor(spec.name, scope, extra.thresholds),
      baselines: baselineLinesFor(spec.name, scope, extra.baselines, t.length > 0 ? t[0] : NaN),
    };
    box.setAttribute('data-thresholds', String(overlay.thresholds.length));
    box.setAttribute('data-baselines', String(overlay.baselines.length));
    const plugins = [overlayPlugin(() => overlay), markersPlugin(markers), zoomPlugin({ onZoom: setZoom })];
    const u = new uPlot(chartOptions(spec, w, raw, plugins), data.plotted as uPlot.AlignedData, plot);
    u.root.querySelector('canvas')?.setAttribute('aria-label', spec.title);
    plots.push({ u, refit: () => u.setData(data.plotted as uPlot.AlignedData, true) });
  }
  void zoom;
  return () => plots.forEach((p) => p.u.destroy());
}

/** The list of every marker that tells the story (all of them, never dropped), as a table. */
function markerTable(store: SeriesStore): HTMLElement {
  const story = store.markers.filter((m) => m.kind !== 'token');
  const d = el('details', { class: 'marker-recent' });
  d.appendChild(el('summary', {}, `All ${story.length} markers (phases, chaos, breakers, drift)`));
  const table = el('table', { 'data-testid': 'marker-table' });
  const head = el('tr');
  for (const h of ['time', 'kind', 'connector', 'what']) head.appendChild(el('th', { class: 'l' }, h));
  table.appendChild(head);
  for (const m of story) {
    const tr = el('tr');
    tr.appendChild(el('td', { class: 'l' }, clock(m.t)));
    const k = el('td', { class: 'l' }, m.kind);
    k.style.color = MARKER_COLORS[m.kind];
    tr.appendChild(k);
    tr.appendChild(el('td', { class: 'l' }, m.connector ?? 'all'));
    tr.appendChild(el('td', { class: 'l' }, m.label));
    table.appendChild(tr);
  }
  d.appendChild(table);
  return d;
}

async function main(): Promise<void> {
  const data = document.getElementById('gauntlet-timeline-data');
  const root = document.getElementById('gauntlet-timeline');
  if (!data || !root) return;
  let parsed: ReturnType<typeof parseLines>;
  try {
    parsed = parseLines(await inflate(data.textContent ?? ''));
  } catch (e) {
    root.appendChild(el('p', {}, `The timeline could not be read in this browser (${(e as Error).message}); the static charts below show the run.`));
    return;
  }
  if (parsed.metrics.length === 0) return;
  const store = storeFromTimeline(parsed);
  const ids = timelineConnectors(parsed);
  root.classList.add('gauntlet-dark');
  root.appendChild(el('h2', {}, 'Timeline'));
  const bar = el('div', { class: 'chart-toolbar' });
  const label = el('label', { for: 'timeline-scope' }, 'Connector ');
  const select = el('select', { id: 'timeline-scope', 'data-testid': 'charts-connector' });
  select.appendChild(el('option', { value: '' }, 'all (overall)'));
  for (const id of ids) select.appendChild(el('option', { value: id }, id));
  bar.append(label, select, el('span', { class: 'muted' }, ` ${parsed.metrics.length} seconds · drag across a chart to zoom, double-click to reset`));
  root.appendChild(bar);
  const grid = el('div', { class: 'chart-grid-wrap' });
  root.appendChild(grid);
  root.setAttribute('data-seconds', String(parsed.metrics.length));
  root.setAttribute('data-story-markers', String(store.markers.filter((m) => m.kind !== 'token').length));
  root.appendChild(markerTable(store));
  const extra = readOverlay(document.getElementById('gauntlet-report-overlay')?.textContent);
  if (extra.baselines.length > 0) {
    root.appendChild(el('p', { class: 'muted' }, `Faint lines: ${extra.baselines.map((b) => b.name).join(', ')} (ops/s on throughput, p99 on latency; overall view)`));
  }
  let destroy = draw(grid, store, ids, null, extra);
  select.addEventListener('change', () => {
    destroy();
    destroy = draw(grid, store, ids, select.value || null, extra);
  });
  document.getElementById('static-charts')?.setAttribute('hidden', '');
}

void main();
