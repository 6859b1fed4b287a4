import { describe, expect, test } from 'vitest';
import { inSecond, secondOf, storyLine, type FaultEntry, type ParkedEntry } from './second';

const T = Date.UTC(2026, 0, 1, 8, 1, 30) / 1000;
const iso = (s: number) => new Date(s * 1000).toISOString();
const src = {
  t: [T - 1, T],
  column: (name: string) =>
    ({ 'stripe_mock:attempts': [5, 41], 'stripe_mock:calls': [5, 20], 'stripe_mock:err_network_error': [0, 30], 'stripe_mock:retries': [0, 21] })[name] ?? [null, null],
};
const fault = (seq: number, at: number, service = 'stripe_mock', type = 'reset'): FaultEntry => ({ seq, service, type, at: iso(at) });
const park = (id: string, at: number, cls: string, state = 'pending', connector = 'stripe_mock'): ParkedEntry => ({ id, connector, error_class: cls, parked_at: iso(at), state, attempts: 3 });

describe('one second, joined', () => {
  test('the second ending at t: (t-1, t]', () => {
    expect(inSecond(iso(T), T)).toBe(true);
    expect(inSecond(iso(T - 0.5), T)).toBe(true);
    expect(inSecond(iso(T - 1), T)).toBe(false);
    expect(inSecond(iso(T + 0.1), T)).toBe(false);
  });
  test("the farm's faults of the connector's service, the mesh's figures and the parked writes by cause", () => {
    const faults = [fault(1, T - 0.5), fault(2, T - 0.2, 'stripe_mock', 'server_error'), fault(3, T - 0.1), fault(4, T - 0.3, 'github_mock'), fault(5, T - 2)];
    const parked = [park('a', T - 0.4, 'network_error'), park('b', T - 0.3, 'network_error', 'succeeded'), park('c', T - 0.2, 'timeout'), park('d', T - 3, 'timeout')];
    const [s] = secondOf(T, [{ id: 'stripe_mock', service: 'stripe_mock' }], faults, parked, src);
    expect(s.faults).toEqual({ reset: 2, server_error: 1 });
    expect(s.faultsTotal).toBe(3);
    expect(s.attempts).toBe(41);
    expect(s.failed).toEqual({ network_error: 30 });
    expect(s.parked.network_error.map((e) => e.id)).toEqual(['a', 'b']);
    expect(s.parkedTotal).toBe(3);
    expect(storyLine(s)).toBe('3 faults injected → 41 attempts, 30 failed, 21 retries, 3 parked (2 still pending)');
  });
});
