/** One parked write in the DLQ table, with expand (history), Replay and Discard (after a confirm step). */
import { useState } from 'react';
import type { DlqEntry } from '../api/types';
import { relativeAge } from '../api/units';
import { StateBadge } from '../runs/StateBadge';
import { DlqHistory } from './DlqHistory';
import { isActionable } from './query';

const COLUMNS = 10;

/** A table row (and, when expanded, a second row with the history). */
export function DlqRow(props: {
  entry: DlqEntry;
  now: number;
  expanded: boolean;
  busy: boolean;
  onToggle(): void;
  onReplay(): void;
  onDiscard(): void;
}) {
  const { entry: e } = props;
  const [confirming, setConfirming] = useState(false);
  const actionable = isActionable(e);
  const why = actionable ? undefined : `only pending or dead entries can be replayed or discarded (this one is ${e.state})`;
  const historyId = `dlq-history-row-${e.id}`;
  return (
    <>
      <tr data-testid={`dlq-row-${e.id}`} className={props.expanded ? 'selected' : undefined}>
        <td>
          <button
            type="button"
            className="btn btn-small dlq-expand"
            aria-expanded={props.expanded}
            aria-controls={historyId}
            aria-label={`${props.expanded ? 'hide' : 'show'} history of ${e.id}`}
            data-testid={`dlq-expand-${e.id}`}
            onClick={props.onToggle}
          >
            {props.expanded ? '▾' : '▸'}
          </button>
        </td>
        <td>{e.connector}</td>
        <td className="dlq-path">
          <strong>{e.method}</strong> {e.path}
        </td>
        <td>
          <code>{e.op_id ?? '—'}</code>
        </td>
        <td>{e.error_class ?? '—'}</td>
        <td className="num">{e.attempts}</td>
        <td title={e.parked_at}>{relativeAge(e.parked_at, props.now)}</td>
        <td>
          <StateBadge state={e.state} />
          {e.unknown_outcome && (
            <span className="muted" title="the write may have landed; a replay reuses its idempotency key">
              {' '}
              ?
            </span>
          )}
        </td>
        <td className="dlq-last-error">{e.last_error ?? '—'}</td>
        <td>
          <div className="dlq-actions">
            <button type="button" className="btn btn-small" data-testid={`dlq-replay-${e.id}`} disabled={!actionable || props.busy} title={why} onClick={props.onReplay}>
              Replay
            </button>
            {!confirming ? (
              <button
                type="button"
                className="btn btn-small btn-danger"
                data-testid={`dlq-discard-${e.id}`}
                disabled={!actionable || props.busy}
                title={why}
                onClick={() => setConfirming(true)}
              >
                Discard
              </button>
            ) : (
              <span role="group" aria-label={`confirm discarding ${e.id}`}>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  data-testid={`dlq-discard-confirm-${e.id}`}
                  autoFocus
                  onClick={() => {
                    setConfirming(false);
                    props.onDiscard();
                  }}
                >
                  Discard for good
                </button>
                <button type="button" className="btn btn-small" data-testid={`dlq-discard-cancel-${e.id}`} onClick={() => setConfirming(false)}>
                  Keep
                </button>
              </span>
            )}
          </div>
        </td>
      </tr>
      {props.expanded && (
        <tr id={historyId} className="dlq-history-row">
          <td colSpan={COLUMNS}>
            <DlqHistory id={e.id} />
          </td>
        </tr>
      )}
    </>
  );
}
