import { describe, expect, it, test } from 'vitest';
import { dlqEntry } from './entry.fixture';
import { dlqQuery, filterEntries, isActionable } from './query';

const none = { connector: '', state: '', errorClass: '' };

describe('dlqQuery', () => {
  it('leaves empty filters out and always sets the limit', () => {
    expect(dlqQuery(none)).toBe('limit=500');
    expect(dlqQuery({ connector: 'stripe_mock', state: 'pending', errorClass: 'rate_limit' })).toBe(
      'connector=stripe_mock&state=pending&error_class=rate_limit&limit=500',
    );
    expect(dlqQuery({ ...none, state: 'dead' }, 20)).toBe('state=dead&limit=20');
  });

  it('encodes values and ignores blank ones', () => {
    expect(dlqQuery({ connector: 'a b&c', state: '  ', errorClass: '' })).toBe('connector=a+b%26c&limit=500');
  });
});

describe('filterEntries', () => {
  const es = [
    dlqEntry('old', { parked_at: '2026-12-02T04:00:00Z' }),
    dlqEntry('new', { parked_at: '2026-12-02T04:10:00Z', connector: 'github_mock', error_class: 'rate_limit' }),
    dlqEntry('done', { parked_at: '2026-12-02T04:05:00Z', state: 'succeeded', error_class: null }),
  ];

  it('sorts newest first', () => {
    expect(filterEntries(es, none).map((e) => e.id)).toEqual(['new', 'done', 'old']);
  });

  it('applies each filter even when the server did not', () => {
    expect(filterEntries(es, { ...none, connector: 'stripe_mock' }).map((e) => e.id)).toEqual(['done', 'old']);
    expect(filterEntries(es, { ...none, state: 'pending' }).map((e) => e.id)).toEqual(['new', 'old']);
    expect(filterEntries(es, { ...none, errorClass: 'rate_limit' }).map((e) => e.id)).toEqual(['new']);
    expect(filterEntries(es, { connector: 'github_mock', state: 'dead', errorClass: '' })).toEqual([]);
  });

  it('allows actions only on pending and dead entries', () => {
    expect(isActionable({ state: 'pending' })).toBe(true);
    expect(isActionable({ state: 'dead' })).toBe(true);
    expect(isActionable({ state: 'replaying' })).toBe(false);
    expect(isActionable({ state: 'succeeded' })).toBe(false);
  });
});

describe('stable order', () => {
  test('equal parked times are ordered by id, whatever order the server sent them in', async () => {
    const { filterEntries } = await import('./query');
    const mk = (id: string, at: string) => ({ id, connector: 'c', method: 'POST', path: '/', op_id: null, error_class: 'timeout', attempts: 1, unknown_outcome: false, parked_at: at, state: 'pending', last_error: null });
    const f = { connector: '', state: '', errorClass: '' };
    const a = filterEntries([mk('b', '2026-01-01T00:00:01Z'), mk('a', '2026-01-01T00:00:01Z'), mk('z', '2026-01-01T00:00:02Z')], f).map((e) => e.id);
    const b = filterEntries([mk('a', '2026-01-01T00:00:01Z'), mk('z', '2026-01-01T00:00:02Z'), mk('b', '2026-01-01T00:00:01Z')], f).map((e) => e.id);
    expect(a).toEqual(['z', 'a', 'b']);
    expect(b).toEqual(a);
  });
});
