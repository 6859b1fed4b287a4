/** For tests: a DLQ entry (a pending stripe_mock write that failed with a 503), with `over` changing any field. */
import type { DlqEntry } from '../api/types';

/** A parked write with id `id`; `over` replaces fields. */
export function dlqEntry(id: string, over: Partial<DlqEntry> = {}): DlqEntry {
  return {
    id,
    connector: 'stripe_mock',
    method: 'POST',
    path: '/v1/customers',
    op_id: `op-${id}`,
    error_class: 'server_error',
    attempts: 4,
    unknown_outcome: false,
    parked_at: '2026-12-02T04:05:00Z',
    state: 'pending',
    last_error: 'HTTP 503',
    ...over,
  };
}
