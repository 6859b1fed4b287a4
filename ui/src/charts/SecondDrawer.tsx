/**
 * The drawer of one second: for each connector (or the one selected), the faults the farm injected into its service
 * that second (its fault log, `GET /farm/admin/faults`), what the mesh did (attempts, failures by class, retries) and
 * the writes parked in the DLQ that second, grouped by cause, with where each stands now.
 */
import { useEffect, useState } from 'react';
import { ApiError, getJson } from '../api/http';
import { clock } from '../live/time';
import type { SeriesStore } from '../live/store';
import { secondOf, storyLine, type ConnectorSecond, type FaultEntry, type ParkedEntry } from './second';

/** Props of {@link SecondDrawer}. */
export interface SecondDrawerProps {
  /** The second (epoch s of the row: the second before it). */
  t: number;
  /** The connectors shown, each with its farm service. */
  connectors: { id: string; service: string }[];
  store: SeriesStore;
  onClose(): void;
}

const FAULT_LIMIT = 100_000;

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.describe() : e instanceof Error ? e.message : String(e);
}

/** `data-testid="second-drawer"`; one `second-<connector>` section each, with `data-faults` = the faults injected. */
export function SecondDrawer(props: SecondDrawerProps) {
  const { t, connectors, store, onClose } = props;
  const [rows, setRows] = useState<ConnectorSecond[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = connectors.map((c) => `${c.id}>${c.service}`).join(',');

  useEffect(() => {
    const ctl = new AbortController();
    setRows(null);
    setError(null);
    const services = [...new Set(connectors.map((c) => c.service))];
    const one = services.length === 1 ? `&service=${encodeURIComponent(services[0])}` : '';
    const conn = connectors.length === 1 ? `&connector=${encodeURIComponent(connectors[0].id)}` : '';
    Promise.all([
      getJson<{ entries: FaultEntry[] }>(`/farm/admin/faults?limit=${FAULT_LIMIT}${one}`, ctl.signal),
      getJson<{ entries: ParkedEntry[] }>(`/api/dlq?limit=100000${conn}`, ctl.signal).catch(() => ({ entries: [] as ParkedEntry[] })),
    ])
      .then(([faults, dlq]) => setRows(secondOf(t, connectors, faults.entries, dlq.entries, store)))
      .catch((e) => {
        if ((e as Error).name !== 'AbortError') setError(errorText(e));
      });
    return () => ctl.abort();
    // `key` stands for the connectors' content.
  }, [t, key, store]);

  useEffect(() => {
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', esc);
    return () => window.removeEventListener('keydown', esc);
  }, [onClose]);

  const shown = rows?.filter((r) => r.faultsTotal > 0 || (r.attempts ?? 0) > 0 || r.parkedTotal > 0) ?? [];
  return (
    <aside className="second-drawer panel" data-testid="second-drawer" role="dialog" aria-label={`what happened at ${clock(t)}`} data-t={t}>
      <div className="second-drawer-head">
        <h3>
          {clock(t - 1)} → {clock(t)}
        </h3>
        <button type="button" className="btn" onClick={onClose} data-testid="second-drawer-close" autoFocus>
          Close
        </button>
      </div>
      <p className="muted">
        The farm's fault log (ground truth), the mesh's attempts and the writes parked in the DLQ, for this second.
      </p>
      {error && <p className="error-text" role="alert">{error}</p>}
      {!rows && !error && <p className="muted">loading the fault log and the DLQ…</p>}
      {rows && shown.length === 0 && <p className="muted">Nothing happened in this second.</p>}
      {shown.map((r) => (
        <section key={r.connector} className="second-connector" data-testid={`second-${r.connector}`} data-faults={r.faultsTotal} data-parked={r.parkedTotal}>
          <h4>
            {r.connector} <span className="muted">→ {r.service}</span>
          </h4>
          <p className="second-story">{storyLine(r)}</p>
          <table className="second-table">
            <tbody>
              <tr>
                <th scope="row">farm injected</th>
                <td data-testid={`second-${r.connector}-faults`}>
                  {r.faultsTotal === 0
                    ? 'no fault'
                    : Object.entries(r.faults)
                        .sort((a, b) => b[1] - a[1])
                        .map(([k, n]) => `${n} ${k}`)
                        .join(', ')}
                </td>
              </tr>
              <tr>
                <th scope="row">mesh failed attempts</th>
                <td>
                  {Object.keys(r.failed).length === 0
                    ? 'none'
                    : Object.entries(r.failed)
                        .map(([k, n]) => `${Math.round(n * 10) / 10} ${k}`)
                        .join(', ')}
                </td>
              </tr>
              <tr>
                <th scope="row">parked in the DLQ</th>
                <td>
                  {r.parkedTotal === 0 ? (
                    'none'
                  ) : (
                    <ul className="second-parked">
                      {Object.entries(r.parked).map(([cause, list]) => (
                        <li key={cause}>
                          {list.length} × {cause}:{' '}
                          {list.slice(0, 5).map((e, i) => (
                            <span key={e.id}>
                              {i > 0 && ', '}
                              <a href={`#/dlq?entry=${encodeURIComponent(e.id)}`} title={e.last_error ?? ''}>
                                {e.state}
                              </a>
                            </span>
                          ))}
                          {list.length > 5 && ` +${list.length - 5} more`}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            </tbody>
          </table>
        </section>
      ))}
    </aside>
  );
}
