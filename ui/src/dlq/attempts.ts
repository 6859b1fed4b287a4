/**
 * A DLQ entry's attempts as the AAM reports them (`GET /dlq/{id}` → `history`: replay, number, at, status, error_class,
 * message, duration_ms), grouped by the call they were part of (the original call, then each replay), kept across polls so a replay that rewrites the entry does not wipe what was already seen,
 * and why an entry has none.
 */
import type { DlqEntry } from '../api/types';

/** One attempt of a parked write. */
export interface Attempt {
  /** Which call it was part of: 0 the original call, 1..n the replays (absent from older servers: taken as 0). */
  replay?: number | null;
  number?: number | null;
  at?: string | null;
  duration_ms?: number | null;
  status?: number | null;
  error_class?: string | null;
  message?: string | null;
  [k: string]: unknown;
}

/** The key of an attempt (the same attempt in two answers has the same key). */
export function attemptKey(a: Attempt): string {
  return `${a.replay ?? 0}|${a.number ?? ''}|${a.at ?? ''}|${a.status ?? ''}|${a.error_class ?? ''}`;
}

/** The attempts seen so far and the new answer's, merged (no duplicates), in time order. */
export function mergeAttempts(seen: readonly Attempt[], fresh: readonly Attempt[]): Attempt[] {
  const out = new Map<string, Attempt>();
  for (const a of seen) out.set(attemptKey(a), a);
  for (const a of fresh) out.set(attemptKey(a), a);
  return [...out.values()].sort(
    (a, b) => (a.replay ?? 0) - (b.replay ?? 0) || (a.at ?? '').localeCompare(b.at ?? '') || (a.number ?? 0) - (b.number ?? 0),
  );
}

/** "original call, attempt 2" or "replay 3, attempt 1". */
export function attemptLabel(a: Attempt, fallbackNumber: number): string {
  const n = a.number ?? fallbackNumber;
  return `${callLabel(a.replay ?? 0)}, attempt ${n}`;
}

/** "original call" or "replay 3". */
export function callLabel(replay: number): string {
  return replay === 0 ? 'original call' : `replay ${replay}`;
}

/** A run of attempts of one call, or the gap where the server left attempts out. */
export type AttemptGroup =
  | { kind: 'call'; replay: number; attempts: Attempt[]; continued: boolean }
  | { kind: 'omitted'; count: number };

/**
 * The attempts grouped by call (original, replay 1, replay 2…), in order, with the omitted ones (`omitted`, left out by
 * the server between its first kept attempts and its newest) shown as a gap after the attempt `gapAfter` (the key of
 * the last of the first kept ones; null: at the end of the first group when the server gave no hint).
 */
export function attemptGroups(attempts: readonly Attempt[], omitted: number, gapAfter: string | null): AttemptGroup[] {
  const out: AttemptGroup[] = [];
  let cur: Extract<AttemptGroup, { kind: 'call' }> | null = null;
  let gapDone = omitted <= 0;
  const seenReplays = new Set<number>();
  for (const a of attempts) {
    const r = a.replay ?? 0;
    if (!cur || cur.replay !== r) {
      cur = { kind: 'call', replay: r, attempts: [], continued: seenReplays.has(r) };
      seenReplays.add(r);
      out.push(cur);
    }
    cur.attempts.push(a);
    if (!gapDone && gapAfter != null && attemptKey(a) === gapAfter) {
      out.push({ kind: 'omitted', count: omitted });
      gapDone = true;
      cur = null;
    }
  }
  if (!gapDone) out.splice(Math.min(1, out.length), 0, { kind: 'omitted', count: omitted });
  return out;
}

/** Why an entry lists no attempt, in words. */
export function noAttemptReason(e: Pick<DlqEntry, 'error_class' | 'attempts' | 'last_error'>): string {
  if (e.error_class === 'circuit_open') return 'No call was sent: the circuit was open when the write came, so it was parked at once.';
  if (e.error_class === 'rate_limit') return 'No call was sent: the rate limiter had no token in time, so it was parked at once.';
  if (e.attempts > 0) return `${e.attempts} attempt${e.attempts === 1 ? '' : 's'} counted, but this server kept no detail of them.`;
  return 'No attempt recorded for this entry.';
}

/** Where the write stands, in words that match its state. */
export function outcomeText(e: Pick<DlqEntry, 'state' | 'unknown_outcome'>): string {
  switch (e.state) {
    case 'succeeded':
      return 'replayed: it landed';
    case 'discarded':
      return 'discarded without replay: it did not land through the mesh';
    case 'replaying':
      return 'being replayed now';
    case 'dead':
      return 'given up after its replays: it did not land';
    default:
      return e.unknown_outcome
        ? 'outcome unknown (may have landed; a replay reuses its idempotency key)'
        : 'not landed yet: the upstream refused it, a replay can still land it';
  }
}

/** Pending entries per connector and cause (error class), for the summary above the list. */
export function groupByCause(entries: readonly DlqEntry[]): { connector: string; cause: string; count: number }[] {
  const m = new Map<string, number>();
  for (const e of entries) {
    const k = `${e.connector}\u0000${e.error_class ?? 'unknown'}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()]
    .map(([k, count]) => {
      const [connector, cause] = k.split('\u0000');
      return { connector, cause, count };
    })
    .sort((a, b) => b.count - a.count || a.connector.localeCompare(b.connector) || a.cause.localeCompare(b.cause));
}
