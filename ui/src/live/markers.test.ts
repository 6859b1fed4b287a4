import { describe, expect, test } from 'vitest';
import { chaosMarkers, markerFromEvent, markersFor, mergeMarkers } from './markers';
import { parseInstant } from './time';
import type { FarmStatus, Marker } from './types';

const AT = '2026-12-02T04:05:18.433627102Z';
const T = parseInstant(AT);

describe('markerFromEvent', () => {
  test('breaker transition', () => {
    expect(markerFromEvent({ type: 'circuit_transition', at: AT, connector: 'stripe_mock', from: 'closed', to: 'open' })).toMatchObject({
      t: T,
      kind: 'circuit',
      connector: 'stripe_mock',
      label: 'stripe_mock breaker closed → open',
    });
  });
  test('token refreshed and refresh failed are token markers', () => {
    const ok = markerFromEvent({ type: 'token_refreshed', at: AT, connector: 'salesforce_mock', trigger: 'reactive' });
    expect(ok).toMatchObject({ kind: 'token', label: 'salesforce_mock token refreshed (reactive)' });
    const bad = markerFromEvent({ type: 'token_refresh_failed', at: AT, connector: 'supabase_mock', error_class: 'invalid_creds' });
    expect(bad).toMatchObject({ kind: 'token', label: expect.stringContaining('FAILED (invalid_creds)') });
  });
  test('drift names the renamed field', () => {
    const m = markerFromEvent({ type: 'drift_detected', at: AT, connector: 'salesforce_mock', kind: 'renamed', before: 'account_name', after: 'name' });
    expect(m).toMatchObject({ kind: 'drift', connector: 'salesforce_mock', label: 'salesforce_mock drift: renamed account_name → name' });
  });
  test('scenario phases from run events, global', () => {
    expect(markerFromEvent({ type: 'run', at: AT, run: 'hell-1', scenario: 'hell', what: 'phase', phase: 'storm', chaos: 'storm' })).toMatchObject({
      t: T,
      kind: 'phase',
      connector: null,
      label: 'run hell-1 phase storm [chaos storm]',
    });
    expect(markerFromEvent({ type: 'run', at: AT, run: 'hell-1', scenario: 'hell', what: 'finished', state: 'passed' })?.label).toBe(
      'run hell-1 finished (passed)',
    );
  });
  test('other events and bad times give no marker', () => {
    expect(markerFromEvent({ type: 'retry_scheduled', at: AT, connector: 'x' })).toBeNull();
    expect(markerFromEvent({ type: 'circuit_transition', at: 'later', connector: 'x' })).toBeNull();
  });
});

function farm(services: Record<string, string>, history: { at: string; level: string; services: string[]; duration_s: number | null }[]): FarmStatus {
  return { chaos: { level: 'calm', services, history }, services: Object.keys(services).map((id) => ({ id })) };
}

describe('chaosMarkers', () => {
  const h1 = { at: '2026-12-02T04:05:11.223Z', level: 'hell', services: [], duration_s: null };
  const h2 = { at: '2026-12-02T04:06:00.000Z', level: 'storm', services: ['stripe_mock'], duration_s: 60 };

  test('the first status: every history entry, at its own time', () => {
    const ms = chaosMarkers(null, farm({ a: 'hell' }, [h1]), 999);
    expect(ms).toMatchObject([{ t: parseInstant(h1.at), kind: 'chaos', connector: null, label: 'chaos hell on all services' }]);
  });

  test('a new history entry explains the level change: one marker, not two', () => {
    const prev = farm({ stripe_mock: 'hell', github_mock: 'hell' }, [h1]);
    const cur = farm({ stripe_mock: 'storm', github_mock: 'hell' }, [h1, h2]);
    const ms = chaosMarkers(prev, cur, 2000);
    expect(ms).toMatchObject([{ t: parseInstant(h2.at), kind: 'chaos', connector: 'stripe_mock', label: 'chaos storm on stripe_mock for 60s' }]);
  });

  test('a timed level running out (no history entry) is found by the diff, grouped', () => {
    const prev = farm({ a: 'storm', b: 'storm', c: 'hell' }, [h1]);
    const cur = farm({ a: 'calm', b: 'calm', c: 'hell' }, [h1]);
    expect(chaosMarkers(prev, cur, 2000)).toMatchObject([{ t: 2000, kind: 'chaos', connector: null, label: 'chaos storm → calm on a, b' }]);
  });

  test('nothing changed: no marker', () => {
    const s = farm({ a: 'calm' }, [h1]);
    expect(chaosMarkers(s, farm({ a: 'calm' }, [h1]), 5)).toEqual([]);
  });

  test('a service that appears is not a change', () => {
    expect(chaosMarkers(farm({}, []), farm({ z: 'storm' }, []), 5)).toEqual([]);
  });
});

describe('mergeMarkers / markersFor', () => {
  const m = (t: number, label: string, connector: string | null = null): Marker => ({ t, kind: 'circuit', connector, label });
  const tok = (t: number, label: string): Marker => ({ t, kind: 'token', connector: null, label });
  test('time order, duplicates dropped; token refreshes capped to the newest, the story markers never dropped', () => {
    const list = mergeMarkers([m(1, 'a'), tok(2, 't1'), m(5, 'b')], [m(3, 'c'), m(5, 'b'), m(0, 'd'), tok(4, 't2'), tok(6, 't3')], 2);
    expect(list.map((x) => x.label)).toEqual(['d', 'a', 'c', 't2', 'b', 't3']);
    expect(list.map((x) => x.t)).toEqual([0, 1, 3, 4, 5, 6]);
  });
  test('a flood of token refreshes does not push out the run start or a drift marker', () => {
    let list: Marker[] = [{ t: 0, kind: 'phase', connector: null, label: 'run started' }, { t: 1, kind: 'drift', connector: 'x', label: 'drift' }];
    for (let i = 0; i < 50; i++) list = mergeMarkers(list, Array.from({ length: 100 }, (_, k) => tok(2 + i + k / 100, `t${i}-${k}`)), 1000);
    expect(list.filter((x) => x.kind === 'token')).toHaveLength(1000);
    expect(list.slice(0, 2).map((x) => x.label)).toEqual(['run started', 'drift']);
  });
  test('the server chaos event and a breaker event carry their level and state', () => {
    expect(markerFromEvent({ type: 'chaos', at: '2026-01-01T00:00:00Z', level: 'calm', services: [], reason: 'run x ended: the farm is back to calm' }))
      .toMatchObject({ kind: 'chaos', level: 'calm', connector: null, label: 'run x ended: the farm is back to calm' });
    expect(markerFromEvent({ type: 'circuit_transition', at: '2026-01-01T00:00:00Z', connector: 'c', from: 'CLOSED', to: 'HALF_OPEN' }))
      .toMatchObject({ kind: 'circuit', to: 'half_open' });
  });
  test('unchanged list when nothing new is added', () => {
    const l = [m(1, 'a')];
    expect(mergeMarkers(l, [])).toBe(l);
    expect(mergeMarkers(l, [m(1, 'a')])).toBe(l);
  });
  test('a connector view shows its own and the global markers', () => {
    const l = [m(1, 'g'), m(2, 'x', 'stripe_mock'), m(3, 'y', 'github_mock')];
    expect(markersFor(l, ['stripe_mock']).map((x) => x.label)).toEqual(['g', 'x']);
    expect(markersFor(l, null)).toHaveLength(3);
  });
});
