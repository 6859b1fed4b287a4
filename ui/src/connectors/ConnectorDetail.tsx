/** One connector in detail: bucket, token expiry, circuit, error breakdown, schema mappings, recent errors, delete. */
import { useState } from 'react';
import { deleteConnector, getDrift } from '../api/aam';
import { ErrorNote } from '../api/ErrorNote';
import { num, PagesTable } from '../api/PagesTable';
import type { ConnectorStatus, MetricsFigures } from '../api/types';
import { eventDetails, formatCount, formatInstant, formatMs, formatPct, secondsUntil } from '../api/units';
import { useNow } from '../api/useNow';
import { usePoll } from '../api/usePoll';
import { StateBadge } from '../runs/StateBadge';
import { DriftTable } from './DriftTable';
import { errorBreakdown, tokenCountdown } from './figures';
import type { ConnectorWithStatus } from './load';

function Stat(props: { label: string; value: string; testId?: string; tone?: string }) {
  return (
    <div className="stat">
      <div className={`stat-value ${props.tone ?? ''}`} data-testid={props.testId}>
        {props.value}
      </div>
      <div className="stat-label">{props.label}</div>
    </div>
  );
}

/** The selected connector's panel; `onDeleted` is called after a confirmed delete succeeded. */
export function ConnectorDetail(props: { row: ConnectorWithStatus; metrics: MetricsFigures | undefined; onDeleted(): void; onClose(): void }) {
  const { connector: c, status } = props.row;
  const drift = usePoll(getDrift, 2000, 'drift');
  const now = useNow(1000);
  const bucket = status?.stages['rate-limit'];
  const circuit = status?.stages.circuit;
  const auth = status?.stages.auth;
  const countdown = tokenCountdown(secondsUntil(auth?.token_expires_at ?? null, now));
  const errors = errorBreakdown(props.metrics);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);

  const remove = async () => {
    setConfirming(false);
    setDeleteError(null);
    try {
      await deleteConnector(c.id);
      props.onDeleted();
    } catch (e) {
      setDeleteError(e);
    }
  };

  return (
    <section className="panel connector-detail pages-grid" data-testid="connector-detail" aria-label={`connector ${c.id}`}>
      <div className="run-detail-head">
        <h3>
          {c.id} <span className="muted">({c.flavor} → {c.base_url})</span>
        </h3>
        <div className="pages-row">
          {!confirming ? (
            <button type="button" className="btn btn-danger" data-testid="connector-delete" onClick={() => setConfirming(true)}>
              Delete…
            </button>
          ) : (
            <span role="group" aria-label={`confirm deleting ${c.id}`} className="pages-row">
              <button type="button" className="btn btn-danger" data-testid="connector-delete-confirm" autoFocus onClick={remove}>
                Delete {c.id} for good
              </button>
              <button type="button" className="btn" data-testid="connector-delete-cancel" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </span>
          )}
          <button type="button" className="btn" onClick={props.onClose}>
            Close
          </button>
        </div>
      </div>
      <ErrorNote error={deleteError} testId="connector-delete-error" />
      <ErrorNote error={props.row.statusError} />

      <h4>Rate limit, circuit and auth</h4>
      <div className="stat-grid">
        <Stat label="tokens in the bucket" value={bucket ? formatCount(Math.floor(bucket.tokens)) : '—'} testId="connector-bucket-tokens" />
        <Stat label="burst" value={bucket?.burst !== undefined ? formatCount(bucket.burst) : formatCount(c.limit?.burst)} />
        <Stat label="rate (rps)" value={bucket ? bucket.rate_rps.toFixed(1) : '—'} testId="connector-bucket-rate" />
        <Stat label="learned limit (rps)" value={bucket?.learned_limit_rps != null ? bucket.learned_limit_rps.toFixed(1) : 'not learned'} />
        <Stat
          label="circuit"
          value={circuit?.state.toLowerCase() ?? '—'}
          testId="connector-circuit-state"
          tone={circuit?.state.toLowerCase() === 'open' ? 'worse' : circuit?.state.toLowerCase() === 'closed' ? 'better' : 'warn-text'}
        />
        <Stat
          label="circuit failure rate"
          value={typeof circuit?.failure_rate === 'number' && circuit.failure_rate >= 0 ? `${circuit.failure_rate.toFixed(1)} %` : '—'}
        />
        <Stat label={`auth (${auth?.type ?? c.auth?.type ?? '—'})`} value={countdown ?? 'no token to expire'} testId="connector-token-expiry" />
      </div>
      {auth?.token_expires_at && <p className="muted">token expires at {formatInstant(auth.token_expires_at)}{auth.refreshes !== undefined ? ` · ${auth.refreshes} refreshes, ${auth.refresh_failures ?? 0} failed` : ''}</p>}

      <h4>Errors by class</h4>
      {props.metrics && (
        <p className="muted">
          {formatCount(props.metrics.calls)} calls, {formatCount(props.metrics.failed)} failed ({formatPct(props.metrics.calls ? props.metrics.failed / props.metrics.calls : null)}),{' '}
          {formatCount(props.metrics.attempts)} attempts, {formatCount(props.metrics.retries)} retries · p50 {formatMs(props.metrics.latency.p50_ms)}, p99{' '}
          {formatMs(props.metrics.latency.p99_ms)}
        </p>
      )}
      {errors.length === 0 ? (
        <p className="muted">No failures recorded.</p>
      ) : (
        <PagesTable label="errors by class" columns={['error class', num('failed calls'), num('failed attempts')]} testId="connector-errors">
          {errors.map((r) => (
            <tr key={r.errorClass}>
              <td>{r.errorClass}</td>
              <td className="num">{formatCount(r.calls)}</td>
              <td className="num">{formatCount(r.attempts)}</td>
            </tr>
          ))}
        </PagesTable>
      )}

      <h4>Schema mappings and drift</h4>
      <ErrorNote error={drift.error} />
      <DriftTable id={c.id} drift={drift.data} />

      <h4>Recent errors</h4>
      <RecentErrors status={status} />
    </section>
  );
}

function RecentErrors(props: { status: ConnectorStatus | null }) {
  const errs = props.status?.recent_errors ?? [];
  if (errs.length === 0) return <p className="muted">None.</p>;
  return (
    <ol className="connector-recent" data-testid="connector-recent-errors" reversed>
      {[...errs].reverse().map((e, i) => (
        <li key={`${e.at}-${i}`}>
          <span className="muted">{formatInstant(e.at)}</span> <StateBadge state={e.type} /> <code>{eventDetails(e)}</code>
        </li>
      ))}
    </ol>
  );
}
