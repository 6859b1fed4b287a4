/** A connector's schema mappings (before → after, confidence) and its drift history (drift_detected events). */
import { num, PagesTable } from '../api/PagesTable';
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
        <PagesTable label="active mappings" columns={['endpoint', 'before', 'after', num('confidence')]}>
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
        </PagesTable>
      ) : (
        <p className="muted">No active mappings.</p>
      )}
      {d.recent.length > 0 && (
        <PagesTable label="drift history" columns={['when', 'endpoint', 'kind', 'change', num('confidence'), 'mapped']}>
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
        </PagesTable>
      )}
    </div>
  );
}
