/**
 * What happened in one second of the timeline, per connector: the farm's ground truth (the faults it injected, from its
 * fault log), the mesh's view (attempts, failures by class, retries, from the series) and the outcome of the writes
 * parked in the DLQ that second (grouped by cause, with their state now). Pure: the drawer fetches, this joins.
 */
import { col } from '../live/rates';
import { parseInstant } from '../live/time';
import { ERROR_CLASSES } from '../live/types';
import type { ColumnSource } from './specs';

/** One entry of the farm's `GET /admin/faults`. */
export interface FaultEntry {
  seq: number;
  service: string;
  type: string;
  at: string;
  status?: number;
  method?: string;
  path?: string;
}

/** One entry of the AAM's `GET /dlq` (the fields joined here). */
export interface ParkedEntry {
  id: string;
  connector: string;
  error_class: string | null;
  parked_at: string;
  state: string;
  attempts: number;
  last_error?: string | null;
}

/** One connector's second. */
export interface ConnectorSecond {
  connector: string;
  service: string;
  /** Faults the farm injected into this connector's service that second, by fault type. */
  faults: Record<string, number>;
  faultsTotal: number;
  /** From the mesh's series: attempts and calls that second, failed attempts by class, retries, 429s. */
  attempts: number | null;
  calls: number | null;
  failed: Record<string, number>;
  retries: number | null;
  /** Writes parked that second, by cause (error class), each with its entries. */
  parked: Record<string, ParkedEntry[]>;
  parkedTotal: number;
}

/** The second ending at `t` (a row of the series covers the second before its time): (t-1, t]. */
export function inSecond(at: string, t: number): boolean {
  const x = parseInstant(at);
  return Number.isFinite(x) && x > t - 1 && x <= t;
}

function rowIndex(src: ColumnSource, t: number): number {
  const ts = src.t;
  for (let i = 0; i < ts.length; i++) if (Math.abs(ts[i] - t) < 1e-6) return i;
  return -1;
}

/** Joins the fault log, the series and the DLQ for the second ending at `t`, for `connectors` (id → farm service). */
export function secondOf(
  t: number,
  connectors: readonly { id: string; service: string }[],
  faults: readonly FaultEntry[],
  parked: readonly ParkedEntry[],
  src: ColumnSource,
): ConnectorSecond[] {
  const i = rowIndex(src, t);
  const at = (column: string): number | null => (i < 0 ? null : (src.column(column)[i] ?? null));
  return connectors.map(({ id, service }) => {
    const f: Record<string, number> = {};
    let faultsTotal = 0;
    for (const e of faults) {
      if (e.service !== service || !inSecond(e.at, t)) continue;
      f[e.type] = (f[e.type] ?? 0) + 1;
      faultsTotal++;
    }
    const failed: Record<string, number> = {};
    for (const k of ERROR_CLASSES) {
      const v = at(col(id, `err_${k}`));
      if (v != null && v > 0) failed[k] = v;
    }
    const p: Record<string, ParkedEntry[]> = {};
    let parkedTotal = 0;
    for (const e of parked) {
      if (e.connector !== id || !inSecond(e.parked_at, t)) continue;
      const cause = e.error_class ?? 'unknown';
      (p[cause] ??= []).push(e);
      parkedTotal++;
    }
    return {
      connector: id,
      service,
      faults: f,
      faultsTotal,
      attempts: at(col(id, 'attempts')),
      calls: at(col(id, 'calls')),
      failed,
      retries: at(col(id, 'retries')),
      parked: p,
      parkedTotal,
    };
  });
}

/** One line a person reads: "stripe_mock 08:01:30: 41 faults injected → 38 attempts failed, 12 retries, 3 parked (2 pending)". */
export function storyLine(s: ConnectorSecond): string {
  const n = (v: number | null) => (v == null ? '?' : Math.round(v * 10) / 10);
  const failed = Object.values(s.failed).reduce((a, b) => a + b, 0);
  const pending = Object.values(s.parked).flat().filter((e) => e.state === 'pending').length;
  return `${s.faultsTotal} fault${s.faultsTotal === 1 ? '' : 's'} injected → ${n(s.attempts)} attempts, ${n(failed)} failed, ${n(s.retries)} retries, `
    + `${s.parkedTotal} parked${s.parkedTotal > 0 ? ` (${pending} still pending)` : ''}`;
}
