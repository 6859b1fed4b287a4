import { describe, expect, test } from 'vitest';
import { buildGraph, nodeId } from './graph';
import { layout } from './layout';

const WF = ['high_volume_read', 'idempotent_write'];
const CS = [
  { id: 'stripe_mock', service: 'stripe_mock' },
  { id: 'github_mock', service: 'github_mock' },
];

describe('buildGraph', () => {
  test('three columns of nodes and both kinds of edges', () => {
    const g = buildGraph(WF, CS, ['stripe_mock', 'github_mock', 'datadog_mock']);
    expect(g.nodes.filter((n) => n.kind === 'workflow')).toHaveLength(2);
    expect(g.nodes.filter((n) => n.kind === 'connector').map((n) => n.ref)).toEqual(['github_mock', 'stripe_mock']);
    expect(g.nodes.filter((n) => n.kind === 'service')).toHaveLength(3);
    expect(g.edges.filter((e) => e.kind === 'uses')).toHaveLength(4);
    expect(g.edges.filter((e) => e.kind === 'calls').map((e) => [e.source, e.target])).toEqual([
      [nodeId('connector', 'github_mock'), nodeId('service', 'github_mock')],
      [nodeId('connector', 'stripe_mock'), nodeId('service', 'stripe_mock')],
    ]);
  });
  test('a connector and a service with the same id are two nodes', () => {
    const g = buildGraph([], CS, ['stripe_mock']);
    expect(new Set(g.nodes.map((n) => n.id)).size).toBe(g.nodes.length);
  });
  test('the edge follows the connector\'s service field; an unknown service still gets a node', () => {
    const g = buildGraph([], [{ id: 'my_stripe', service: 'stripe_eu' }], ['stripe_mock']);
    expect(g.edges).toEqual([expect.objectContaining({ source: 'c:my_stripe', target: 's:stripe_eu', connector: 'my_stripe' })]);
    expect(g.nodes.map((n) => n.id)).toContain('s:stripe_eu');
  });
  test('when a run says which connectors a workflow uses, only those edges', () => {
    const g = buildGraph(WF, CS, [], new Map([['idempotent_write', ['stripe_mock']]]));
    const uses = g.edges.filter((e) => e.kind === 'uses').map((e) => e.id);
    expect(uses).toEqual(['u:high_volume_read>github_mock', 'u:high_volume_read>stripe_mock', 'u:idempotent_write>stripe_mock']);
  });
  test('the key is stable across input order and changes with the node set', () => {
    const a = buildGraph(WF, CS, ['x']);
    const b = buildGraph([...WF].reverse(), [...CS].reverse(), ['x']);
    expect(a.key).toBe(b.key);
    expect(buildGraph(WF, CS, ['x', 'y']).key).not.toBe(a.key);
  });
});

test('elk lays it out left to right: workflows, then connectors, then services', async () => {
  const g = buildGraph(WF, CS, ['stripe_mock', 'github_mock']);
  const pos = await layout(g);
  expect(pos.size).toBe(g.nodes.length);
  const xs = (kind: string) => g.nodes.filter((n) => n.kind === kind).map((n) => pos.get(n.id)!.x);
  expect(Math.max(...xs('workflow'))).toBeLessThan(Math.min(...xs('connector')));
  expect(Math.max(...xs('connector'))).toBeLessThan(Math.min(...xs('service')));
});
