/** The connectors list: id, flavor, auth, circuit, bucket, error share; selecting a row shows its detail. */
import { num, PagesTable } from '../api/PagesTable';
import type { MetricsSnapshot } from '../api/types';
import { formatPct } from '../api/units';
import { StateBadge } from '../runs/StateBadge';
import { bucketText, errorShare } from './figures';
import type { ConnectorWithStatus } from './load';

/** One row per connector (`connector-row-<id>`). */
export function ConnectorTable(props: {
  rows: ConnectorWithStatus[];
  metrics: MetricsSnapshot | null;
  selectedId: string | null;
  onSelect(id: string | null): void;
}) {
  return (
    <PagesTable label="connectors" columns={['connector', 'flavor', 'auth', 'circuit', 'bucket', num('errors')]}>
      {props.rows.map(({ connector: c, status, statusError }) => {
        const selected = c.id === props.selectedId;
        const m = props.metrics?.connectors[c.id];
        const share = errorShare(m);
        const circuit = status?.stages.circuit;
        return (
          <tr key={c.id} data-testid={`connector-row-${c.id}`} className={selected ? 'selected' : undefined}>
            <td>
              <button type="button" className="link-button" aria-pressed={selected} onClick={() => props.onSelect(selected ? null : c.id)}>
                {c.id}
              </button>
            </td>
            <td>{c.flavor}</td>
            <td>{c.auth?.type ?? '—'}</td>
            <td>
              {circuit ? <StateBadge state={circuit.state.toLowerCase()} /> : <span className="muted">—</span>}
              {/* null before the window has calls (null >= 0 is true in JS: the page crashed on it) */}
              {typeof circuit?.failure_rate === 'number' && circuit.failure_rate >= 0 && (
                <span className="muted"> {circuit.failure_rate.toFixed(0)} %</span>
              )}
            </td>
            <td>{statusError ? <span className="worse" title={statusError.message}>status unavailable</span> : bucketText(status?.stages['rate-limit'])}</td>
            <td className={`num ${share !== null && share > 0.05 ? 'worse' : ''}`}>
              {share === null ? '—' : formatPct(share)}
              {m ? <span className="muted"> ({m.failed}/{m.calls})</span> : null}
            </td>
          </tr>
        );
      })}
    </PagesTable>
  );
}
