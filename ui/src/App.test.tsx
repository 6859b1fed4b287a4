import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

// The pages belong to their own tests; here they are stand-ins that show what the shell gave them.
vi.mock('./chaos/ChaosBar', () => ({ ChaosBar: (p: { live: { connected: boolean } }) => <div data-testid="chaos-bar">{String(p.live.connected)}</div> }));
vi.mock('./live/LiveView', () => ({ LiveView: () => <div data-testid="page">live</div> }));
vi.mock('./connectors/ConnectorsPage', () => ({
  ConnectorsPage: (p: { selectedId: string | null; onSelect(id: string | null): void }) => (
    <div data-testid="page">
      connectors:{p.selectedId ?? '-'}
      <button onClick={() => p.onSelect('stripe_mock')}>pick</button>
    </div>
  ),
}));
vi.mock('./workflows/WorkflowsPage', () => ({ WorkflowsPage: () => <div data-testid="page">workflows</div> }));
vi.mock('./dlq/DlqPage', () => ({ DlqPage: () => <div data-testid="page">dlq</div> }));
vi.mock('./runs/RunsPage', () => ({ RunsPage: (p: { selectedId: string | null }) => <div data-testid="page">runs:{p.selectedId ?? '-'}</div> }));

import { App } from './App';
import { FakeEventSource } from './live/fakeEventSource';

beforeEach(() => {
  FakeEventSource.install();
  vi.stubGlobal('fetch', vi.fn(() => new Promise(() => {}))); // the polls never answer here
  window.location.hash = '';
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the shell', () => {
  test('five tabs as role=tab buttons, the live one selected by default', () => {
    render(<App />);
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => t.getAttribute('data-testid'))).toEqual(['tab-live', 'tab-connectors', 'tab-workflows', 'tab-dlq', 'tab-runs']);
    expect(screen.getByTestId('tab-live').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('page').textContent).toBe('live');
    expect(tabs.every((t) => t.tagName === 'BUTTON')).toBe(true);
  });

  test('a click changes the view and the hash', () => {
    render(<App />);
    fireEvent.click(screen.getByTestId('tab-dlq'));
    expect(window.location.hash).toBe('#/dlq');
    expect(screen.getByTestId('page').textContent).toBe('dlq');
  });

  test('arrow keys move the selection and the focus, wrapping around', () => {
    render(<App />);
    const live = screen.getByTestId('tab-live');
    live.focus();
    fireEvent.keyDown(live, { key: 'ArrowLeft' });
    expect(window.location.hash).toBe('#/runs');
    expect(document.activeElement).toBe(screen.getByTestId('tab-runs'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(window.location.hash).toBe('#/live');
    expect(screen.getByTestId('tab-live').getAttribute('tabindex')).toBe('0');
    expect(screen.getByTestId('tab-runs').getAttribute('tabindex')).toBe('-1');
  });

  test('a reload keeps the view and the selected id', () => {
    window.location.hash = '#/runs/hell-1';
    render(<App />);
    expect(screen.getByTestId('tab-runs').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('page').textContent).toBe('runs:hell-1');
  });

  test('a page selecting an id puts it in the hash', () => {
    window.location.hash = '#/connectors';
    render(<App />);
    fireEvent.click(screen.getByText('pick'));
    expect(window.location.hash).toBe('#/connectors/stripe_mock');
    expect(screen.getByTestId('page').textContent).toContain('connectors:stripe_mock');
  });

  test('the hash changed from outside (a link, back) switches the view', () => {
    render(<App />);
    act(() => {
      window.location.hash = '#/workflows';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(screen.getByTestId('page').textContent).toBe('workflows');
  });

  test('the SSE indicator says reconnecting, then live once the stream opens', () => {
    render(<App />);
    expect(screen.getByTestId('sse-status').textContent).toBe('reconnecting');
    act(() => FakeEventSource.last!.onopen?.());
    expect(screen.getByTestId('sse-status').textContent).toBe('live');
    expect(screen.getByTestId('chaos-bar').textContent).toBe('true');
    act(() => FakeEventSource.last!.onerror?.());
    expect(screen.getByTestId('sse-status').textContent).toBe('reconnecting');
  });
});
