/** A connector's recent health from the series store: request rate, error percentage and p99 of the last seconds. */
import { col } from '../live/rates';
import { ERROR_CLASSES } from '../live/types';
import type { ColumnSource } from '../charts/specs';

/** What a topology node shows. */
export interface NodeStats {
  /** Attempts per second sent upstream (mean over the window); null before the first rate. */
  reqPerS: number | null;
  /**
   * Achieved: attempts answered without error per second (mean over the window), what the node writes as its req/s; a
   * connector starved by its bucket or an open circuit shows the few that got through, not what was offered to it.
   */
  okPerS: number | null;
  /** Failed attempts / attempts in %, over the window; null without traffic. */
  errorPct: number | null;
  /** The latest p99 (ms) of the mesh's recent window. */
  p99: number | null;
  /** The latest circuit level (0 closed, 1 half-open, 2 open). */
  circuit: number | null;
}

function lastValue(c: readonly (number | null)[]): number | null {
  for (let i = c.length - 1; i >= 0; i--) if (c[i] != null) return c[i];
  return null;
}

/** The stats of `scope` over its last `rows` rows (default 5, i.e. ~5 s). */
export function nodeStats(src: ColumnSource, scope: string, rows = 5): NodeStats {
  const n = src.t.length;
  const from = Math.max(0, n - rows);
  const attempts = src.column(col(scope, 'attempts'));
  let sumA = 0;
  let seen = 0;
  for (let i = from; i < n; i++) {
    const v = attempts[i];
    if (v != null) {
      sumA += v;
      seen++;
    }
  }
  let sumE = 0;
  for (const k of ERROR_CLASSES) {
    const c = src.column(col(scope, `err_${k}`));
    for (let i = from; i < n; i++) sumE += c[i] ?? 0;
  }
  return {
    reqPerS: seen === 0 ? null : sumA / seen,
    okPerS: seen === 0 ? null : Math.max(0, sumA - sumE) / seen,
    errorPct: sumA > 0 ? Math.min(100, (100 * sumE) / sumA) : null,
    // No attempt in the window: the mesh's last p99 is old news, not the latency now.
    p99: sumA > 0 ? lastValue(src.column(col(scope, 'p99')).slice(from)) : null,
    circuit: lastValue(src.column(col(scope, 'circuit')).slice(from)),
  };
}
