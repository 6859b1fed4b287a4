/** The attempt history of one DLQ entry (`GET /api/dlq/{id}` → `history`), refreshed every 2 s while open. */
import { getDlqEntry } from '../api/aam';
import { ErrorNote } from '../api/ErrorNote';
import { eventDetails, formatInstant } from '../api/units';
import { usePoll } from '../api/usePoll';

/** The entry's full record and its history list. */
export function DlqHistory(props: { id: string }) {
  const poll = usePoll((s) => getDlqEntry(props.id, s), 2000, props.id);
  const e = poll.data;
  return (
    <div className="dlq-history" data-testid={`dlq-history-${props.id}`}>
      <ErrorNote error={poll.error} />
      {!e && !poll.error && <p className="muted">loading…</p>}
      {e && (
        <>
          <p className="muted">
            {e.method} {e.path} · op <code>{e.op_id ?? '—'}</code> · {e.attempts} attempt{e.attempts === 1 ? '' : 's'} ·{' '}
            {e.unknown_outcome ? 'outcome unknown (may have landed; replay reuses its idempotency key)' : 'known not to have landed'}
          </p>
          {e.last_error && (
            <p>
              last error: <code>{e.last_error}</code>
            </p>
          )}
          {e.history === undefined && <p className="muted">This server does not report an entry's history.</p>}
          {e.history && e.history.length === 0 && <p className="muted">No events recorded for this entry yet.</p>}
          {e.history && e.history.length > 0 && (
            <ol className="dlq-history-list">
              {e.history.map((h, i) => (
                <li key={`${i}-${h.at}`}>
                  <span className="muted">{formatInstant(h.at)}</span> <strong>{h.type}</strong> <code>{eventDetails(h)}</code>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </div>
  );
}
