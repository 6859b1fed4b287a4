/** The dead-letter queue: counts, filters, parked writes with their history, replay and discard. */
import { useState } from 'react';
import { discardDlqEntry, listConnectors, listDlq, replayAllDlq, replayDlqEntry } from '../api/aam';
import { ErrorNote, errorText } from '../api/ErrorNote';
import { useNow } from '../api/useNow';
import { usePoll } from '../api/usePoll';
import '../api/pages.css';
import { ERROR_CLASSES } from '../live/types';
import { DlqCounts } from './DlqCounts';
import { DlqRow } from './DlqRow';
import { groupByCause } from './attempts';
import { describeReplay, describeReplayAll } from './outcomes';
import { DLQ_STATES, dlqQuery, filterEntries, type DlqFilter } from './query';
import './dlq.css';

/** The DLQ tab. */
export function DlqPage() {
  const [filter, setFilter] = useState<DlqFilter>({ connector: '', state: '', errorClass: '' });
  const query = dlqQuery(filter);
  const list = usePoll((s) => listDlq(query, s), 2000, query);
  const connectors = usePoll(listConnectors, 0, 'connectors');
  const now = useNow(1000);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const entries = filterEntries(list.data?.entries ?? [], filter);
  const pendingShown = entries.filter((e) => e.state === 'pending').length;
  const stats = list.data?.stats ?? null;
  const total = stats ? stats.pending + stats.replaying + stats.succeeded + stats.dead + stats.discarded : null;
  const causes = groupByCause(entries.filter((e) => e.state === 'pending' || e.state === 'dead'));

  const act = async (key: string, fn: () => Promise<string>) => {
    setBusy(key);
    setResult(null);
    try {
      setResult({ ok: true, text: await fn() });
    } catch (e) {
      setResult({ ok: false, text: errorText(e) });
    } finally {
      setBusy(null);
      list.refresh();
    }
  };

  const toggle = (id: string) =>
    setExpanded((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const set = (k: keyof DlqFilter) => (ev: { target: { value: string } }) => setFilter((f) => ({ ...f, [k]: ev.target.value }));

  return (
    <div className="dlq-page pages-page" data-testid="dlq-page">
      <section className="panel">
        <h2>Dead-letter queue</h2>
        <DlqCounts stats={list.data?.stats ?? null} />
      </section>
      <section className="panel">
        <div className="pages-row">
          <label className="pages-field">
            <span>connector</span>
            <select data-testid="dlq-filter-connector" value={filter.connector} onChange={set('connector')}>
              <option value="">all connectors</option>
              {(connectors.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.id}
                </option>
              ))}
            </select>
          </label>
          <label className="pages-field">
            <span>state</span>
            <select data-testid="dlq-filter-state" value={filter.state} onChange={set('state')}>
              <option value="">any state</option>
              {DLQ_STATES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label className="pages-field">
            <span>error class</span>
            <select data-testid="dlq-filter-class" value={filter.errorClass} onChange={set('errorClass')}>
              <option value="">any class</option>
              {ERROR_CLASSES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="btn"
            data-testid="dlq-replay-all"
            disabled={busy !== null}
            onClick={() =>
              act('all', async () => describeReplayAll((await replayAllDlq(filter.connector || null)).replayed, filter.connector || null))
            }
          >
            Replay all pending{filter.connector ? ` of ${filter.connector}` : ''}
          </button>
        </div>
        <ErrorNote error={list.error} testId="dlq-error" />
        <ErrorNote error={connectors.error} />
        <div aria-live="polite">
          {result && (
            <p className={result.ok ? 'ok-note' : 'error-note'} role={result.ok ? 'status' : 'alert'} data-testid="dlq-action-result">
              {result.text}
            </p>
          )}
        </div>
        {causes.length > 0 && (
          <details className="dlq-causes" data-testid="dlq-causes" open>
            <summary>Waiting writes (pending or dead) shown, by connector and cause</summary>
            <ul>
              {causes.slice(0, 12).map((c) => (
                <li key={`${c.connector}-${c.cause}`}>
                  <strong>{c.count}</strong> {c.connector} · {c.cause}
                </li>
              ))}
              {causes.length > 12 && <li className="muted">+{causes.length - 12} more groups</li>}
            </ul>
          </details>
        )}
        <p className="muted" data-testid="dlq-shown">
          {entries.length} entr{entries.length === 1 ? 'y' : 'ies'} shown
          {total != null && !filter.connector && !filter.state && !filter.errorClass ? ` of ${total}` : ''} ({pendingShown} pending shown
          {stats ? ` of ${stats.pending} pending in all` : ''}), newest first
          {list.data && list.data.entries.length >= 500 ? ' — the newest 500; narrow the filters to see others' : ''}
        </p>
        <div className="pages-table-wrap dlq-scroll" tabIndex={0} role="region" aria-label="parked writes, scrollable">
          <table className="pages-table dlq-table" aria-label="parked writes">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">history</span>
                </th>
                <th scope="col">connector</th>
                <th scope="col">request</th>
                <th scope="col">op id</th>
                <th scope="col">error class</th>
                <th scope="col" className="num">attempts</th>
                <th scope="col">parked</th>
                <th scope="col">state</th>
                <th scope="col">last error</th>
                <th scope="col">actions</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <DlqRow
                  key={e.id}
                  entry={e}
                  now={now}
                  expanded={expanded.has(e.id)}
                  busy={busy === e.id || busy === 'all'}
                  onToggle={() => toggle(e.id)}
                  onReplay={() => act(e.id, async () => describeReplay(await replayDlqEntry(e.id)))}
                  onDiscard={() =>
                    act(e.id, async () => {
                      await discardDlqEntry(e.id);
                      return `${e.id}: discarded`;
                    })
                  }
                />
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
