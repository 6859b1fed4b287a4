import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { FakeEventSource } from './fakeEventSource';
import { LiveProvider, useLiveContext, type LiveContextValue } from './LiveProvider';
import { col, OVERALL } from './rates';
import { SAMPLE_METRICS } from './sample-metrics.fixture';
import { SeriesStore } from './store';

const json = (body: unknown) => Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
const FARM = {
  chaos: { level: 'calm', services: { stripe_mock: 'calm' }, history: [{ at: '2026-12-02T04:05:11Z', level: 'storm', services: ['stripe_mock'], duration_s: 30 }] },
  services: [{ id: 'stripe_mock' }],
};

let seen: LiveContextValue | null = null;
function Probe() {
  seen = useLiveContext();
  return null;
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.install();
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string) => {
      if (url.startsWith('/farm/admin/status')) return json(FARM);
      if (url.startsWith('/api/dlq')) return json({ entries: [], stats: { pending: 7, oldest_pending_age_s: 3.5 } });
      if (url === '/api/runs') return json({ runs: [{ id: 'hell-1', scenario: 'hell', state: 'running' }] });
      if (url.startsWith('/api/runs/')) return json({ id: 'hell-1', phase: 'hell' });
      return Promise.resolve(new Response('{}', { status: 404 }));
    }),
  );
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  seen = null;
});

async function settle(ms = 0) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

/** Renders the provider around the probe, lets its first loads settle, and returns its store and its stream. */
async function mount() {
  const store = new SeriesStore();
  render(
    <LiveProvider store={store}>
      <Probe />
    </LiveProvider>,
  );
  await settle();
  return { store, es: FakeEventSource.last! };
}

test('metrics go to the store, events are batched into the state with their markers, farm history gives markers', async () => {
  const { store, es } = await mount();
  act(() => es.onopen?.());
  expect(seen!.live.connected).toBe(true);

  act(() => {
    es.emitJson('metrics', SAMPLE_METRICS);
    es.emitJson('metrics', { ...SAMPLE_METRICS, at: '2026-12-02T04:05:17.143Z' });
  });
  expect(store.t).toHaveLength(2);
  expect(seen!.live.lastMetrics?.at).toBe('2026-12-02T04:05:17.143Z');
  expect(store.column(col(OVERALL, 'calls'))[1]).toBe(0);

  act(() => {
    es.emitJson('circuit_transition', { type: 'circuit_transition', at: '2026-12-02T04:05:18Z', connector: 'stripe_mock', from: 'closed', to: 'open' });
    es.emitJson('retry_scheduled', { type: 'retry_scheduled', at: '2026-12-02T04:05:18Z', connector: 'stripe_mock' });
  });
  expect(seen!.live.events).toHaveLength(0); // not yet: batched
  await settle(300);
  expect(seen!.live.events.map((e) => e.type)).toEqual(['circuit_transition', 'retry_scheduled']);
  // Markers reach the store once a second (each store change redraws every chart), events every 250 ms.
  expect(store.markers.map((m) => m.kind).sort()).toEqual(['chaos']);
  await settle(1000);
  expect(store.markers.map((m) => m.kind).sort()).toEqual(['chaos', 'circuit']);
  expect(seen!.farm?.chaos.level).toBe('calm');
  expect(seen!.live.activeRun).toEqual({ id: 'hell-1', scenario: 'hell', phase: 'hell', chaos: null });
});
