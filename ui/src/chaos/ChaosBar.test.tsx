import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeServer } from '../api/fakeServer';
import type { LiveState } from '../live/types';
import { ChaosBar } from './ChaosBar';

const farm = {
  seed: 42,
  chaos: { level: 'hell', levels: ['calm', 'mild', 'storm', 'hell'], services: { stripe_mock: 'hell', github_mock: 'storm' }, history: [] },
  services: [
    { id: 'stripe_mock', flavor: 'stripe', chaos_level: 'hell', chaos_expires_at: null, requests: 1, faults: {} },
    { id: 'github_mock', flavor: 'github', chaos_level: 'storm', chaos_expires_at: null, requests: 1, faults: {} },
  ],
};
const running = { runs: [{ id: 'hell-1', scenario: 'hell', state: 'running', started: '2026-12-02T04:05:11Z', finished: null }] };
const live: LiveState = { connected: false, activeRun: null, lastMetrics: null, events: [] };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ChaosBar', () => {
  it('shows each service level and a running run the SSE has not announced', async () => {
    fakeServer({ 'GET /farm/admin/status': { body: farm }, 'GET /api/runs': { body: running } });
    render(<ChaosBar live={live} />);
    await waitFor(() => expect(screen.getByTestId('chaos-level-stripe_mock').textContent).toBe('hell'));
    expect(screen.getByTestId('chaos-level-github_mock').textContent).toBe('storm');
    await waitFor(() => expect(screen.getByTestId('active-run').textContent).toContain('hell-1'));
    expect((screen.getByTestId('halt-button') as HTMLButtonElement).disabled).toBe(false);
  });

  it('keeps Halt disabled with no run in progress and a calm farm', async () => {
    const calm = { ...farm, chaos: { ...farm.chaos, level: 'calm', services: { stripe_mock: 'calm', github_mock: 'calm' } } };
    fakeServer({ 'GET /farm/admin/status': { body: calm }, 'GET /api/runs': { body: { runs: [] } } });
    render(<ChaosBar live={live} />);
    await waitFor(() => expect(screen.getByTestId('active-run').textContent).toContain('no run'));
    await waitFor(() => expect(screen.getByTestId('chaos-level-stripe_mock').textContent).toBe('calm'));
    expect((screen.getByTestId('halt-button') as HTMLButtonElement).disabled).toBe(true);
  });

  it('halts a farm turned by hand with no run in progress: calms it, stops nothing', async () => {
    const calls = fakeServer({
      'GET /farm/admin/status': { body: farm },
      'GET /api/runs': { body: { runs: [] } },
      'POST /farm/admin/chaos': { body: { level: 'calm' } },
    });
    render(<ChaosBar live={live} />);
    await waitFor(() => expect((screen.getByTestId('halt-button') as HTMLButtonElement).disabled).toBe(false));
    await act(async () => fireEvent.click(screen.getByTestId('halt-button')));
    await waitFor(() => expect(screen.getByTestId('halt-result').textContent).toBe('farm set to calm'));
    expect(calls.some((c) => c.path.endsWith('/stop'))).toBe(false);
  });

  it('halts: stops the run with the reason and sets the farm calm, even when the stop is refused', async () => {
    const calls = fakeServer({
      'GET /farm/admin/status': { body: farm },
      'GET /api/runs': { body: running },
      'POST /api/runs/hell-1/stop': { status: 409, body: { error: 'not_running', field: null, message: 'run hell-1 is passed already' } },
      'POST /farm/admin/chaos': { body: { level: 'calm' } },
    });
    render(<ChaosBar live={live} />);
    await waitFor(() => expect((screen.getByTestId('halt-button') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.change(screen.getByTestId('halt-reason'), { target: { value: 'storm is enough' } });
    await act(async () => fireEvent.click(screen.getByTestId('halt-button')));
    await waitFor(() => expect(screen.getByTestId('halt-result').textContent).toContain('farm set to calm'));
    expect(screen.getByTestId('halt-result').textContent).toContain('run hell-1 is passed already');
    expect(screen.getByTestId('halt-result').getAttribute('role')).toBe('alert');
    expect(calls.find((c) => c.path === '/api/runs/hell-1/stop')?.body).toEqual({ reason: 'storm is enough' });
    expect(calls.find((c) => c.path === '/farm/admin/chaos')?.body).toEqual({ level: 'calm' });
  });
});
