/**
 * The live topology: workflows → connectors → farm services, laid out by elkjs once per node set, with each
 * connector's glyph and each edge's colour and style (solid with traffic, dashed without) updated every second from the
 * series store.
 */
import { ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useState } from 'react';
import type { SeriesStore } from '../live/store';
import type { ActiveRun, FarmStatus } from '../live/types';
import { useStoreVersion } from '../live/useSeries';
import { healthColor } from './glyph';
import { buildGraph, type TopoConnector } from './graph';
import { layout, type Positions } from './layout';
import { NODE_TYPES } from './nodes';
import { nodeStats, type NodeStats } from './stats';

/** Props of {@link Topology}. */
export interface TopologyProps {
  store: SeriesStore;
  farm: FarmStatus | null;
  connectors: TopoConnector[];
  workflows: { name: string; description: string }[];
  activeRun: ActiveRun | null;
  onOpenConnector(id: string): void;
}

/** Below this rate (attempts/s) an edge is drawn as idle (dashed): no traffic flows. */
const FLOWING_RPS = 0.05;

/** The topology container (`data-testid="topology"`). */
export function Topology(props: TopologyProps) {
  const { store, farm, connectors, workflows, activeRun, onOpenConnector } = props;
  const version = useStoreVersion(store, 'rows');
  const farmIds = useMemo(() => (farm?.services ?? []).map((s) => s.id), [farm]);
  const farmKey = farmIds.slice().sort().join(',');
  const wfKey = workflows.map((w) => w.name).join(',');
  const connKey = connectors.map((c) => `${c.id}>${c.service ?? ''}`).join(',');

  // The graph's shape depends on the lists' content only, so a poll returning the same lists changes nothing.
  const graph = useMemo(
    () => buildGraph(workflows.map((w) => w.name), connectors, farmIds),
    // Keyed on content (the keys), not on the arrays' identity.
    [wfKey, connKey, farmKey],
  );

  const [laid, setLaid] = useState<{ key: string; pos: Positions } | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    layout(graph)
      .then((pos) => {
        if (!stop) {
          setLaid({ key: graph.key, pos });
          setLayoutError(null);
        }
      })
      .catch((e: unknown) => !stop && setLayoutError(`layout failed: ${(e as Error).message}`));
    return () => {
      stop = true;
    };
  }, [graph]);

  const stats = useMemo(() => {
    const m = new Map<string, NodeStats>();
    for (const c of connectors) m.set(c.id, nodeStats(store, c.id));
    return m;
    // `version` is the store's change counter: new rows mean new stats.
  }, [connectors, store, version]);

  const nodes: Node[] = useMemo(() => {
    if (!laid || laid.key !== graph.key) return [];
    const level = (id: string) => farm?.chaos.services?.[id] ?? farm?.services.find((s) => s.id === id)?.chaos_level ?? null;
    // DOM order = reading order (column by column, top to bottom), so Tab walks the nodes as they are seen.
    const at = (id: string) => laid.pos.get(id) ?? { x: 0, y: 0 };
    const ordered = [...graph.nodes].sort((a, b) => at(a.id).x - at(b.id).x || at(a.id).y - at(b.id).y);
    return ordered.map((n) => {
      // `measured` given each second: without it React Flow takes a node with new data for a new node, drops its
      // handle bounds and hides its edges until it has measured it again (24 → 0 → 24 edges under load).
      const base = {
        id: n.id,
        type: n.kind,
        position: laid.pos.get(n.id) ?? { x: 0, y: 0 },
        width: n.width,
        height: n.height,
        measured: { width: n.width, height: n.height },
      };
      if (n.kind === 'workflow') {
        const w = workflows.find((x) => x.name === n.ref);
        return { ...base, data: { name: n.ref, description: w?.description ?? '', active: activeRun != null } };
      }
      if (n.kind === 'connector') {
        const c = connectors.find((x) => x.id === n.ref);
        return {
          ...base,
          data: { id: n.ref, flavor: c?.flavor ?? null, stats: stats.get(n.ref) ?? nodeStats(store, n.ref), onOpen: onOpenConnector },
        };
      }
      const s = farm?.services.find((x) => x.id === n.ref);
      return {
        ...base,
        data: { id: n.ref, level: level(n.ref), expiresAt: s?.chaos_expires_at ?? null, requests: s?.requests ?? null, known: !!s },
      };
    });
  }, [laid, graph, farm, workflows, connectors, stats, store, activeRun, onOpenConnector]);

  const edges: Edge[] = useMemo(
    () =>
      graph.edges.map((e) => {
        const st = stats.get(e.connector);
        const flowing = (st?.reqPerS ?? 0) > FLOWING_RPS;
        // Traffic is drawn solid, no traffic dashed - not animated: React Flow's marching dashes repainted the topology
        // every frame (Paint was most of the Live page's main-thread time under hell, ~175 ms a second).
        if (e.kind === 'calls') {
          return {
            id: e.id,
            source: e.source,
            target: e.target,
            className: flowing ? 'flowing' : 'idle',
            style: {
              stroke: healthColor(st?.errorPct ?? null),
              strokeWidth: flowing ? 2.5 : 1.5,
              strokeDasharray: flowing ? undefined : '4 4',
            },
            ariaLabel: `${e.connector} calls its service${flowing ? '' : ' (no traffic)'}`,
          };
        }
        const used = flowing && activeRun != null;
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          className: used ? 'flowing' : 'idle',
          style: { stroke: used ? '#6ea8fe' : '#3a4252', strokeWidth: used ? 1.5 : 1, strokeDasharray: used ? undefined : '4 4' },
        };
      }),
    [graph, stats, activeRun],
  );

  return (
    <section className="topology panel" data-testid="topology" aria-label="topology: workflows, connectors, farm services">
      <div className="topology-head">
        <h2>Topology</h2>
        <span className="muted">
          circle: failed attempts % of the last 5 s (green → red, grey: no traffic) · size: attempts/s · ring: circuit (thin green closed, dashed amber half-open, thick red open)
        </span>
      </div>
      {layoutError ? <p className="error-text" role="alert">{layoutError}</p> : null}
      <div className="topology-canvas">
        {nodes.length > 0 ? (
          <ReactFlow
            key={graph.key}
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            fitView
            fitViewOptions={{ padding: 0.04 }}
            minZoom={0.3}
            maxZoom={1.5}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            nodesFocusable={false}
            edgesFocusable={false}
            zoomOnScroll={false}
            panOnScroll={false}
            preventScrolling={false}
            colorMode="dark"
          />
        ) : (
          <p className="muted topology-wait">{connectors.length === 0 ? 'waiting for the AAM’s connectors…' : 'laying out…'}</p>
        )}
      </div>
    </section>
  );
}
