/** DLQ action outcomes in words, for the result line of the DLQ page. */
import type { ReplayOutcome } from '../api/types';

/** What one replay did, in words. */
export function describeReplay(r: ReplayOutcome): string {
  const status = r.status ? ` (HTTP ${r.status})` : '';
  return `${r.id}: ${r.outcome}${status}${r.message ? ` — ${r.message}` : ''}`;
}

/** What a replay of many did, in words: how many per outcome. */
export function describeReplayAll(rs: ReplayOutcome[], connector: string | null): string {
  if (rs.length === 0) return `nothing pending to replay${connector ? ` for ${connector}` : ''}`;
  const by = new Map<string, number>();
  for (const r of rs) by.set(r.outcome, (by.get(r.outcome) ?? 0) + 1);
  const parts = [...by.entries()].map(([o, n]) => `${n} ${o}`).join(', ');
  return `replayed ${rs.length}${connector ? ` of ${connector}` : ''}: ${parts}`;
}
