import { describe, expect, test } from 'vitest';
import { formatHash, parseHash, tabForKey } from './route';

describe('parseHash', () => {
  test.each([
    ['', { tab: 'live', id: null }],
    ['#', { tab: 'live', id: null }],
    ['#/live', { tab: 'live', id: null }],
    ['#/connectors', { tab: 'connectors', id: null }],
    ['#/connectors/stripe_mock', { tab: 'connectors', id: 'stripe_mock' }],
    ['#/runs/hell-1', { tab: 'runs', id: 'hell-1' }],
    ['#/runs/a%2Fb', { tab: 'runs', id: 'a/b' }],
    ['#/runs/%E0%A4%A', { tab: 'runs', id: '%E0%A4%A' }],
    ['#/dlq/whatever', { tab: 'dlq', id: null }],
    ['#/nope', { tab: 'live', id: null }],
    ['#connectors/x', { tab: 'connectors', id: 'x' }],
  ])('%s', (h, r) => expect(parseHash(h)).toEqual(r));
});

test('formatHash round-trips', () => {
  for (const r of [
    { tab: 'live', id: null },
    { tab: 'connectors', id: 'a b/c' },
    { tab: 'runs', id: 'hell-1' },
    { tab: 'dlq', id: null },
  ] as const)
    expect(parseHash(formatHash(r))).toEqual(r);
  expect(formatHash({ tab: 'dlq', id: 'x' })).toBe('#/dlq');
});

test('arrow keys move between tabs and wrap', () => {
  expect(tabForKey('live', 'ArrowRight')).toBe('connectors');
  expect(tabForKey('live', 'ArrowLeft')).toBe('runs');
  expect(tabForKey('runs', 'ArrowRight')).toBe('live');
  expect(tabForKey('dlq', 'Home')).toBe('live');
  expect(tabForKey('dlq', 'End')).toBe('runs');
  expect(tabForKey('dlq', 'Enter')).toBeNull();
});
