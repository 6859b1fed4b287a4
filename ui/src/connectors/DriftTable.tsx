/** A connector's schema mappings (before → after, confidence) and its drift history (drift_detected events). */
import type { DriftOverview } from '../api/types';
import { formatInstant, formatPct } from '../api/units';

const str = (v: unknown) => (v === null || v === undefined ? '—' : String(v));
const conf = (v: unknown) => (typeof v === 'number' ? formatPct(v) : '—');

/** Mappings and drift events of connector `id` from `GET /api/drift`. */
export function DriftTable(props: { id: string; drift: DriftOverview | null }) {
  const d = props.drift?.connectors[props.id];
  if (!d) return <p className="muted">No drift data for this connector.</p>;
  const maps = d.stage.active_mappings ?? [];
  return (
    <div className="pages-grid" data-testid="connector-drift">
      <p className="muted">
        {d.stage.endpoints} endpoint{d.stage.endpoints === 1 ? '' : 's'} learned · {d.stage.drifts} drift
        {d.stage.drifts === 1 ? '' : 's'} seen · {d.stage.mappings} mapping{d.stage.mappings === 1 ? '' : 's'}
      </p>
      {maps.length > 0 ? (
        <div className="pages-table-wrap">
          <table className="pages-table" aria-label="active mappings">
            <thead>
              <tr>
                <th scope="col">endpoint</th>
                <th scope="col">before</th>
                <th scope="col">after</th>
                <th scope="col" className="num">confidence</th>
              </tr>
            </thead>
            <tbody>
              {maps.map((m, i) => (
                <tr key={i}>
                  <td className="connector-endpoint">{str(m.endpoint)}</td>
                  <td>
                    <code>{m.before}</code>
                  </td>
                  <td>
                    → <code>{m.after}</code>
                  </td>
                  <td className="num">{conf(m.confidence)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No active mappings.</p>
      )}
      {d.recent.length > 0 && (
        <div className="pages-table-wrap">
          <table className="pages-table" aria-label="drift history">
            <thead>
              <tr>
                <th scope="col">when</th>
                <th scope="col">endpoint</th>
                <th scope="col">kind</th>
                <th scope="col">change</th>
                <th scope="col" className="num">confidence</th>
                <th scope="col">mapped</th>
              </tr>
            </thead>
            <tbody>
              {d.recent.map((e, i) => (
                <tr key={`${e.at}-${i}`}>
                  <td>{formatInstant(e.at)}</td>
                  <td className="connector-endpoint">{str(e.endpoint)}</td>
                  <td>{str(e.kind)}</td>
                  <td>
                    <code>{str(e.before)}</code> → <code>{str(e.after)}</code>
                  </td>
                  <td className="num">{conf(e.confidence)}</td>
                  <td>{e.mapped === true ? 'yes' : e.mapped === false ? 'no' : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
