/** The attempts of one DLQ entry (`GET /api/dlq/{id}` → `history`), refreshed every 2 s while open, never forgotten while open. */
import { useEffect, useRef, useState } from 'react';
import { getDlqEntry } from '../api/aam';
import { ErrorNote } from '../api/ErrorNote';
import { formatInstant } from '../api/units';
import { usePoll } from '../api/usePoll';
import { attemptGroups, attemptKey, attemptLabel, callLabel, mergeAttempts, noAttemptReason, outcomeText, type Attempt } from './attempts';

/** The entry's record, where it stands, and its attempts as a table (time, class, status, message), grouped by call. */
export function DlqHistory(props: { id: string }) {
  const poll = usePoll((s) => getDlqEntry(props.id, s), 2000, props.id);
  const e = poll.data;
  // What was seen stays: a replay rewrites the entry on the server, the first error is still worth reading.
  const [attempts, setAttempts] = useState<Attempt[]>([]);
  const firstError = useRef<string | null>(null);
  useEffect(() => {
    if (!e) return;
    if (e.history) setAttempts((seen) => mergeAttempts(seen, e.history as unknown as Attempt[]));
    if (e.last_error && firstError.current == null) firstError.current = e.last_error;
  }, [e]);
  const omitted = e?.attempts_omitted ?? 0;
  const gapAt = e?.omitted_after;
  const gapAfter = omitted > 0 && gapAt != null && gapAt > 0 && e?.history?.[gapAt - 1] ? attemptKey(e.history[gapAt - 1] as unknown as Attempt) : null;
  const groups = attemptGroups(attempts, omitted, gapAfter);
  return (
    <div className="dlq-history" data-testid={`dlq-history-${props.id}`}>
      <ErrorNote error={poll.error} />
      {!e && !poll.error && <p className="muted">loading…</p>}
      {e && (
        <>
          <p className="muted">
            {e.method} {e.path} · op <code>{e.op_id ?? '—'}</code> · {e.attempts} attempt{e.attempts === 1 ? '' : 's'}
            {omitted > 0 ? ` (${omitted} omitted)` : ''} ·{' '}
            <span data-testid={`dlq-outcome-${props.id}`}>{outcomeText(e)}</span>
          </p>
          {(e.last_error ?? firstError.current) && (
            <p>
              {e.last_error ? 'last error' : 'error when parked'}: <code>{e.last_error ?? firstError.current}</code>
            </p>
          )}
          {e.history === undefined && <p className="muted">This server does not report an entry's attempts.</p>}
          {e.history !== undefined && attempts.length === 0 && <p className="muted">{noAttemptReason(e)}</p>}
          {attempts.length > 0 && (
            <table className="pages-table dlq-attempts" aria-label="attempts" data-testid={`dlq-attempts-${props.id}`}>
              <thead>
                <tr>
                  <th scope="col">call, attempt</th>
                  <th scope="col">time</th>
                  <th scope="col">class</th>
                  <th scope="col" className="num">status</th>
                  <th scope="col" className="num">took</th>
                  <th scope="col">message</th>
                </tr>
              </thead>
              {groups.map((g, gi) =>
                g.kind === 'omitted' ? (
                  <tbody key={`gap-${gi}`} className="dlq-omitted" data-testid={`dlq-omitted-${props.id}`}>
                    <tr>
                      <td colSpan={6} className="muted">
                        … {g.count} attempt{g.count === 1 ? '' : 's'} omitted: the server keeps an entry's first attempts and its newest
                      </td>
                    </tr>
                  </tbody>
                ) : (
                  <tbody key={`call-${gi}`} data-replay={g.replay}>
                    <tr className="dlq-call-head">
                      <th scope="rowgroup" colSpan={6}>
                        {callLabel(g.replay)}
                        {g.continued ? ' (continued)' : ''} · {g.attempts.length} attempt{g.attempts.length === 1 ? '' : 's'}
                      </th>
                    </tr>
                    {g.attempts.map((a, i) => (
                      <tr key={attemptKey(a)} data-attempt={attemptLabel(a, i + 1)}>
                        <td>{attemptLabel(a, i + 1)}</td>
                        <td>{a.at ? formatInstant(a.at) : '—'}</td>
                        <td>{a.error_class ?? (a.status != null && a.status < 400 ? 'ok' : '—')}</td>
                        <td className="num">{a.status ?? '—'}</td>
                        <td className="num">{a.duration_ms != null ? `${Math.round(a.duration_ms)} ms` : '—'}</td>
                        <td>
                          <code>{a.message ?? ''}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                ),
              )}
            </table>
          )}
        </>
      )}
    </div>
  );
}
