import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Health, NodeView } from '../api/types';
import { NodesBadge, summarize } from './NodesBadge';

const node = (id: string, extra: Partial<NodeView> = {}): NodeView => ({
  id,
  url: `http://${id}`,
  store: 'postgresql',
  limits: 'redis',
  version: 'dev',
  started_at: '2026-01-01T00:00:00Z',
  last_seen: '2026-01-01T00:00:10Z',
  gone: false,
  self: false,
  ...extra,
});

const health = (nodes: NodeView[] | undefined, kind = 'postgresql', backend = 'redis'): Health => ({
  status: 'ok',
  nodes,
  store: { status: 'ok', kind },
  limits: { backend },
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('summarize', () => {
  test('counts the live nodes and names the store and the limits backend', () => {
    const h = health([node('a:8002', { self: true }), node('b:8012'), node('c:8022', { gone: true })]);
    expect(summarize(h)).toEqual({ live: 2, text: '2 nodes · postgresql · redis' });
  });

  test('one node on SQLite with local limits; an AAM without a nodes list is one node', () => {
    expect(summarize(health([node('a:8002', { self: true, store: 'sqlite', limits: 'local' })], 'sqlite', 'local')).text).toBe(
      '1 node · sqlite · local',
    );
    expect(summarize(health(undefined, 'sqlite', 'local')).text).toBe('1 node · sqlite · local');
  });
});

describe('NodesBadge', () => {
  test('shows the summary from /api/health and lists every node, this one and the gone ones marked', async () => {
    const body = health([node('a:8002', { self: true }), node('b:8012'), node('c:8022', { gone: true })]);
    const fetch = vi.fn(async () => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } }));
    vi.stubGlobal('fetch', fetch);
    render(<NodesBadge />);
    const summary = await screen.findByTestId('nodes-summary');
    expect(summary.textContent).toBe('2 nodes · postgresql · redis');
    expect(fetch).toHaveBeenCalledWith('/api/health', expect.anything());
    fireEvent.click(summary);
    const rows = screen.getByTestId('nodes-list').querySelectorAll('li');
    expect([...rows].map((r) => r.getAttribute('data-testid'))).toEqual(['node-a:8002', 'node-b:8012', 'node-c:8022']);
    expect(screen.getByTestId('node-a:8002').textContent).toContain('this node');
    expect(screen.getByTestId('node-c:8022').textContent).toContain('gone');
    expect(screen.getByTestId('node-b:8012').textContent).toContain('postgresql · redis');
  });

  test('nothing until the first answer', () => {
    vi.stubGlobal('fetch', vi.fn(() => new Promise(() => {})));
    render(<NodesBadge />);
    expect(screen.queryByTestId('nodes-summary')).toBeNull();
  });
});
