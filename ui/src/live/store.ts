/**
 * The time-series store of the live view: one shared time axis, one column per `<scope>:<field>`, and the markers.
 * It lives outside React state (the charts read it in place and redraw with `setData`); subscribers are told when a
 * row or a marker arrives. Older points are folded so no column ever holds more than `budget` points.
 */
import { downsample } from './downsample';
import { mergeMarkers } from './markers';
import { snapshotRow } from './rates';
import type { Marker, MetricsSnapshot } from './types';

/** Options of a {@link SeriesStore}. */
export interface StoreOptions {
  /** At most this many points per column (default 2,000). */
  budget?: number;
  /** Seconds kept at full resolution (default 300). */
  fullResolutionS?: number;
  /** Most markers kept (default 1,000). */
  markerCap?: number;
}

/** Live series and markers, appended to once a second. */
export class SeriesStore {
  readonly budget: number;
  readonly fullResolutionS: number;
  private readonly markerCap: number;
  private times: number[] = [];
  private readonly columns = new Map<string, (number | null)[]>();
  private markerList: Marker[] = [];
  private prev: MetricsSnapshot | null = null;
  private listeners = new Set<() => void>();
  private ver = 0;
  private rowVer = 0;

  constructor(opts: StoreOptions = {}) {
    this.budget = Math.max(8, opts.budget ?? 2000);
    this.fullResolutionS = opts.fullResolutionS ?? 300;
    this.markerCap = opts.markerCap ?? 1000;
  }

  /** Adds the row of one `metrics` snapshot (ignored when it is not newer than the last). */
  ingest(snapshot: MetricsSnapshot): boolean {
    const row = snapshotRow(this.prev, snapshot);
    if (!row) return false;
    this.prev = snapshot;
    const n = this.times.length;
    this.times.push(row.t);
    for (const [name, v] of Object.entries(row.values)) {
      let c = this.columns.get(name);
      if (!c) {
        // A column seen for the first time (a new connector): unknown before now.
        c = new Array<number | null>(n).fill(null);
        this.columns.set(name, c);
      }
      c.push(v);
    }
    for (const c of this.columns.values()) if (c.length < n + 1) c.push(null);
    if (this.times.length > this.budget) this.compact();
    this.rowVer++;
    this.bump();
    return true;
  }

  /**
   * Puts recorded seconds (a run's timeline so far, fetched after a reload) in front of what the stream brought:
   * only the snapshots older than the first row held are used, so nothing is counted twice.
   */
  prefill(snapshots: readonly MetricsSnapshot[]): number {
    const first = this.times.length > 0 ? this.times[0] : Infinity;
    const rows: { t: number; values: Record<string, number | null> }[] = [];
    let prev: MetricsSnapshot | null = null;
    let last: MetricsSnapshot | null = null;
    for (const s of snapshots) {
      const row = snapshotRow(prev, s);
      if (!row) continue;
      prev = s;
      if (row.t >= first) break;
      rows.push(row);
      last = s;
    }
    if (rows.length === 0) return 0;
    if (this.times.length === 0) this.prev = last;
    const n = this.times.length;
    const names = new Set<string>([...this.columns.keys()]);
    for (const r of rows) for (const k of Object.keys(r.values)) names.add(k);
    for (const name of names) {
      const head = rows.map((r) => r.values[name] ?? null);
      const tail = this.columns.get(name) ?? new Array<number | null>(n).fill(null);
      this.columns.set(name, head.concat(tail));
    }
    this.times = rows.map((r) => r.t).concat(this.times);
    if (this.times.length > this.budget) this.compact();
    this.rowVer++;
    this.bump();
    return rows.length;
  }

  /** Adds markers (deduplicated, time-ordered). */
  addMarkers(add: Marker[]): void {
    if (add.length === 0) return;
    const next = mergeMarkers(this.markerList, add, this.markerCap);
    if (next === this.markerList) return;
    this.markerList = next;
    this.bump();
  }

  /** The shared time axis (epoch seconds, ascending). Do not modify. */
  get t(): readonly number[] {
    return this.times;
  }

  /** A column by name; all nulls when the store has never seen it. Do not modify. */
  column(name: string): readonly (number | null)[] {
    return this.columns.get(name) ?? new Array<number | null>(this.times.length).fill(null);
  }

  /** True when the store has a column of that name. */
  has(name: string): boolean {
    return this.columns.has(name);
  }

  /** Markers, oldest first. */
  get markers(): readonly Marker[] {
    return this.markerList;
  }

  /** Increases with every change: a cheap snapshot key for React. */
  get version(): number {
    return this.ver;
  }

  /** Increases with every new row only (not with markers): what views of the numbers alone (the topology) follow. */
  get rowVersion(): number {
    return this.rowVer;
  }

  /** Calls `fn` after every change; returns the unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  // Folds down to ~70% of the budget so this runs once every few hundred seconds, not every second.
  private compact(): void {
    const names = [...this.columns.keys()];
    const last = this.times[this.times.length - 1];
    const target = Math.max(4, Math.floor(this.budget * 0.7));
    const out = downsample(
      { t: this.times, cols: names.map((k) => this.columns.get(k)!) },
      last - this.fullResolutionS,
      target,
    );
    this.times = out.t;
    names.forEach((k, i) => this.columns.set(k, out.cols[i]));
  }

  private bump(): void {
    this.ver++;
    for (const l of this.listeners) l();
  }
}
