/** A connector's schema mappings (before → after, confidence) and its drift history (drift_detected events). */
import { num, PagesTable } from '../api/PagesTable';
import type { DriftOverview } from '../api/types';
import { formatInstant, formatPct } from '../api/units';

/**
 * One active mapping as the server sends it: a line `"<endpoint>: <before> → <after>"` (`*` for a configured one);
 * objects with the same fields are taken as they are.
 */
export function parseMapping(m: unknown): { endpoint: string | null; before: string; after: string; confidence: number | null } | null {
  if (typeof m === 'string') {
    const arrow = m.lastIndexOf(' → ');
    if (arrow < 0) return null;
    const head = m.slice(0, arrow);
    const colon = head.indexOf(': ');
    const endpoint = colon < 0 ? null : head.slice(0, colon);
    return { endpoint: endpoint === '*' ? 'every endpoint' : endpoint, before: colon < 0 ? head : head.slice(colon + 2), after: m.slice(arrow + 3), confidence: null };
  }
  if (m && typeof m === 'object') {
    const o = m as Record<string, unknown>;
    if (typeof o.before !== 'string' || typeof o.after !== 'string') return null;
    return { endpoint: typeof o.endpoint === 'string' ? o.endpoint : null, before: o.before, after: o.after, confidence: typeof o.confidence === 'number' ? o.confidence : null };
  }
  return null;
}

const str = (v: unknown) => (v === null || v === undefined ? '—' : String(v));
const conf = (v: unknown) => (typeof v === 'number' ? formatPct(v) : '—');

/** Mappings and drift events of connector `id` from `GET /api/drift`. */
export function DriftTable(props: { id: string; drift: DriftOverview | null }) {
  const d = props.drift?.connectors[props.id];
  if (!d) return <p className="muted">No drift data for this connector.</p>;
  const maps = ((d.stage.active_mappings ?? []) as unknown[]).map(parseMapping).filter((m) => m !== null).map((m) => {
    // The confidence of a mapping is that of the drift event that learned it, when it is still in the history.
    const seen = m.confidence ?? d.recent.find((e) => e.before === m.before && e.after === m.after)?.confidence;
    return { ...m, confidence: typeof seen === 'number' ? seen : null };
  });
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
