/** The topology's node components: workflow, connector (glyph + figures, opens its page) and farm service. */
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { formatValue } from '../charts/format';
import { ConnectorGlyph } from './ConnectorGlyph';
import { chaosColor, ringStyle } from './glyph';
import type { NodeStats } from './stats';

/** Data of a workflow node. */
export type WorkflowNodeData = { name: string; description: string; active: boolean };
/** Data of a connector node. */
export type ConnectorNodeData = { id: string; flavor: string | null; stats: NodeStats; onOpen(id: string): void };
/** Data of a farm service node. */
export type ServiceNodeData = { id: string; level: string | null; expiresAt: string | null; requests: number | null; known: boolean };

export type WorkflowNode = Node<WorkflowNodeData, 'workflow'>;
export type ConnectorNode = Node<ConnectorNodeData, 'connector'>;
export type ServiceNode = Node<ServiceNodeData, 'service'>;

const hidden = { opacity: 0, pointerEvents: 'none' as const };

/** A workflow the harness can run. */
export function WorkflowNodeView(props: NodeProps<WorkflowNode>) {
  const d = props.data;
  return (
    <div className={`topo-node topo-workflow${d.active ? ' active' : ''}`} title={d.description} data-testid={`topology-workflow-${d.name}`}>
      <span className="topo-kind">workflow</span>
      <strong>{d.name}</strong>
      <Handle type="source" position={Position.Right} isConnectable={false} style={hidden} />
    </div>
  );
}

/** A connector: its glyph and, in text, req/s, error %, p99 and circuit; Enter or click opens its details. */
export function ConnectorNodeView(props: NodeProps<ConnectorNode>) {
  const { id, stats, flavor, onOpen } = props.data;
  const ring = ringStyle(stats.circuit);
  // Achieved (answered without error), not attempted: the glyph's size is the attempts sent.
  const rps = `${formatValue(stats.okPerS, '')} ok/s`;
  const err = stats.errorPct == null ? 'no traffic' : `${formatValue(stats.errorPct, '%')} errors`;
  const p99 = `p99 ${formatValue(stats.p99, 'ms')}`;
  return (
    <div className={`topo-node topo-connector circuit-${ring.label.toLowerCase()}`} data-testid={`topology-node-${id}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} style={hidden} />
      <button
        type="button"
        className="topo-open nodrag nopan"
        onClick={() => onOpen(id)}
        aria-label={`${id}: ${rps}, ${err}, ${p99}, circuit ${ring.label}. Open its details.`}
      >
        <ConnectorGlyph reqPerS={stats.reqPerS} errorPct={stats.errorPct} circuit={stats.circuit} />
        <span className="topo-text">
          <strong>{id}</strong>
          <span>
            {rps} · {err}
          </span>
          <span>
            {p99} · circuit <span className={`circuit-label circuit-${ring.label.toLowerCase()}`}>{ring.label}</span>
          </span>
          {flavor ? <span className="muted">{flavor}</span> : null}
        </span>
      </button>
      <Handle type="source" position={Position.Right} isConnectable={false} style={hidden} />
    </div>
  );
}

/** A farm service with its chaos level. */
export function ServiceNodeView(props: NodeProps<ServiceNode>) {
  const d = props.data;
  return (
    <div className={`topo-node topo-service${d.known ? '' : ' unknown'}`} data-testid={`topology-service-${d.id}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} style={hidden} />
      <span className="topo-kind">farm service</span>
      <strong>{d.id}</strong>
      <span>
        chaos{' '}
        <span className="chaos-pill" style={{ background: chaosColor(d.level) }} title={d.expiresAt ? `until ${d.expiresAt}` : undefined}>
          {d.level ?? (d.known ? '?' : 'not in the farm')}
        </span>
        {d.requests != null ? <span className="muted"> · {formatValue(d.requests, '')} req</span> : null}
      </span>
    </div>
  );
}

/** The node types, defined once (React Flow wants a stable object). */
export const NODE_TYPES = { workflow: WorkflowNodeView, connector: ConnectorNodeView, service: ServiceNodeView };
