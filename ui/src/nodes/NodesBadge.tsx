/** The header's node summary: "2 nodes · postgresql · redis", and on click the nodes with their backends. */
import { getHealth } from '../api/aam';
import type { Health, NodeView } from '../api/types';
import { usePoll } from '../api/usePoll';

/** Nodes heartbeat every 2 s; the header looks every 5 s. */
const POLL_MS = 5_000;

/** What the header says: the live nodes, the store kind and the limits backend. */
export function summarize(h: Health): { live: number; text: string } {
  const nodes = h.nodes ?? [];
  const live = Math.max(1, nodes.filter((n) => !n.gone).length);
  return { live, text: `${live} node${live === 1 ? '' : 's'} · ${h.store.kind} · ${h.limits.backend}` };
}

function NodeRow(props: { node: NodeView }) {
  const n = props.node;
  return (
    <li className={`node-row${n.gone ? ' gone' : ''}`} data-testid={`node-${n.id}`}>
      <span className="node-id">{n.id}</span>
      {n.self ? <span className="node-tag">this node</span> : null}
      {n.gone ? <span className="node-tag gone">gone</span> : null}
      <span className="node-detail">
        {n.store} · {n.limits} · {n.version} · seen {new Date(n.last_seen).toLocaleTimeString()}
      </span>
    </li>
  );
}

/** Polls `/health`; shows nothing until the first answer, and the last answer while the store is degraded (503). */
export function NodesBadge() {
  const { data } = usePoll(getHealth, POLL_MS, 'health');
  if (!data) return null;
  const { text } = summarize(data);
  const nodes = data.nodes ?? [];
  return (
    <details className="nodes-badge">
      <summary data-testid="nodes-summary" title="AAM nodes sharing the store">
        {text}
      </summary>
      <ul className="nodes-list" data-testid="nodes-list" aria-label="AAM nodes">
        {nodes.map((n) => (
          <NodeRow key={n.id} node={n} />
        ))}
      </ul>
    </details>
  );
}
