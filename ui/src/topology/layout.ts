/** Lays the graph out with elkjs: layered, left → right; workflows pinned to the first column, services to the last. */
import type { ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { Graph } from './graph';

/** Top-left position of each node id. */
export type Positions = Map<string, { x: number; y: number }>;

// elkjs is big (~1.5 MB): loaded on the first layout, in its own chunk, so the shell paints without it.
let elk: Promise<{ layout(g: ElkNode): Promise<ElkNode> }> | null = null;
function engine() {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return elk;
}

/** The ELK graph of a {@link Graph} (exported for tests). */
export function elkGraph(g: Graph): ElkNode {
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.spacing.nodeNode': '14',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.semiInteractive': 'false',
    },
    children: g.nodes.map((n) => ({
      id: n.id,
      width: n.width,
      height: n.height,
      layoutOptions: (n.kind === 'workflow'
        ? { 'elk.layered.layering.layerConstraint': 'FIRST' }
        : n.kind === 'service'
          ? { 'elk.layered.layering.layerConstraint': 'LAST' }
          : {}) as Record<string, string>,
    })),
    edges: g.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
}

/** Positions of every node. */
export async function layout(g: Graph): Promise<Positions> {
  const out = await (await engine()).layout(elkGraph(g));
  const pos: Positions = new Map();
  for (const c of out.children ?? []) pos.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  return pos;
}
