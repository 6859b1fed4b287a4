/**
 * The topology's graph, three columns left → right: workflows → connectors → farm services. Built from what the
 * AAM and the farm list; its `key` changes only when the set of nodes or edges does (then the layout runs again).
 */

/** A connector as `GET /connectors` lists it (the fields the topology reads). */
export interface TopoConnector {
  id: string;
  service?: string | null;
  flavor?: string | null;
}

/** A node of the graph before layout. */
export interface GraphNode {
  id: string;
  kind: 'workflow' | 'connector' | 'service';
  /** The workflow name, connector id or service id. */
  ref: string;
  width: number;
  height: number;
}

/** An edge of the graph. */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: 'uses' | 'calls';
  /** The connector at one end (for colouring by its health). */
  connector: string;
}

/** The graph and a key identifying its shape. */
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  key: string;
}

/** Node sizes (px) per kind. */
export const NODE_SIZE = {
  workflow: { width: 170, height: 46 },
  connector: { width: 262, height: 76 },
  service: { width: 180, height: 62 },
} as const;

/** Node id of a workflow, connector or service (prefixed: a service may share a connector's id). */
export function nodeId(kind: GraphNode['kind'], ref: string): string {
  return `${kind[0]}:${ref}`;
}

/**
 * The graph: every workflow may drive every connector (`uses`; only `usedBy` when a run says which ones are in
 * use), each connector calls the farm service named by its `service` field (a connector whose service the farm does
 * not list still gets a node for it, so a misconfiguration is visible).
 */
export function buildGraph(
  workflows: readonly string[],
  connectors: readonly TopoConnector[],
  services: readonly string[],
  usedBy: ReadonlyMap<string, readonly string[]> | null = null,
): Graph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const wf = [...new Set(workflows)].sort();
  const cs = [...new Map(connectors.map((c) => [c.id, c])).values()].sort((a, b) => a.id.localeCompare(b.id));
  const svc = new Set(services);
  for (const c of cs) if (c.service) svc.add(c.service);
  for (const w of wf) nodes.push({ id: nodeId('workflow', w), kind: 'workflow', ref: w, ...NODE_SIZE.workflow });
  for (const c of cs) nodes.push({ id: nodeId('connector', c.id), kind: 'connector', ref: c.id, ...NODE_SIZE.connector });
  for (const s of [...svc].sort()) nodes.push({ id: nodeId('service', s), kind: 'service', ref: s, ...NODE_SIZE.service });
  for (const w of wf) {
    const targets = usedBy?.get(w) ?? cs.map((c) => c.id);
    for (const id of targets) {
      if (!cs.some((c) => c.id === id)) continue;
      edges.push({ id: `u:${w}>${id}`, source: nodeId('workflow', w), target: nodeId('connector', id), kind: 'uses', connector: id });
    }
  }
  for (const c of cs) {
    if (!c.service) continue;
    edges.push({ id: `c:${c.id}>${c.service}`, source: nodeId('connector', c.id), target: nodeId('service', c.service), kind: 'calls', connector: c.id });
  }
  const key = nodes.map((n) => n.id).join('|') + '#' + edges.map((e) => e.id).join('|');
  return { nodes, edges, key };
}
