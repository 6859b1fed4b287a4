/** DLQ filters: the query string sent to `GET /api/dlq`, and the same filter applied to the answer. */
import type { DlqEntry } from '../api/types';
import { parseInstant } from '../live/time';

/** The DLQ page's filters; an empty string means "any". */
export interface DlqFilter {
  connector: string;
  state: string;
  errorClass: string;
}

/** The states a DLQ entry can be in. */
export const DLQ_STATES = ['pending', 'replaying', 'succeeded', 'dead', 'discarded'] as const;

/** How many entries the page asks for (the server's default page is 1,000; the table stays readable at 500). */
export const DLQ_PAGE_LIMIT = 500;

/** `connector=…&state=…&error_class=…&limit=…` with empty filters left out and values encoded. */
export function dlqQuery(f: DlqFilter, limit = DLQ_PAGE_LIMIT): string {
  const p = new URLSearchParams();
  if (f.connector.trim()) p.set('connector', f.connector.trim());
  if (f.state.trim()) p.set('state', f.state.trim());
  if (f.errorClass.trim()) p.set('error_class', f.errorClass.trim());
  p.set('limit', String(limit));
  return p.toString();
}

/**
 * The entries matching the filter, newest first. The server filters too; doing it again here keeps the table right
 * against a server that does not know a filter yet (it ignores unknown query parameters).
 */
export function filterEntries(entries: DlqEntry[], f: DlqFilter): DlqEntry[] {
  const t = (e: DlqEntry) => {
    const v = parseInstant(e.parked_at);
    return Number.isNaN(v) ? -Infinity : v;
  };
  return entries
    .filter((e) => (!f.connector || e.connector === f.connector) && (!f.state || e.state === f.state) && (!f.errorClass || e.error_class === f.errorClass))
    // Newest first, ties by id: the server's order of equal times changes between polls, the page's must not.
    .sort((a, b) => t(b) - t(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Whether an entry can be replayed or discarded: the server allows both only for pending and dead entries. */
export function isActionable(e: Pick<DlqEntry, 'state'>): boolean {
  return e.state === 'pending' || e.state === 'dead';
}
