import { describe, expect, it } from 'vitest';
import { serviceLevels } from './levels';

describe('serviceLevels', () => {
  it('prefers the per-service map, then the service field, then the global level; sorted by id', () => {
    const out = serviceLevels({
      chaos: { level: 'mild', levels: ['calm', 'mild', 'storm', 'hell'], services: { stripe_mock: 'hell' }, history: [] },
      services: [
        { id: 'stripe_mock', chaos_level: 'mild', chaos_expires_at: '2026-12-02T04:10:00Z' },
        { id: 'github_mock', chaos_level: 'storm', chaos_expires_at: null },
        { id: 'datadog_mock', chaos_level: undefined as unknown as string, chaos_expires_at: null },
      ],
    });
    expect(out).toEqual([
      { id: 'datadog_mock', short: 'datadog', level: 'mild', expiresAt: null },
      { id: 'github_mock', short: 'github', level: 'storm', expiresAt: null },
      { id: 'stripe_mock', short: 'stripe', level: 'hell', expiresAt: '2026-12-02T04:10:00Z' },
    ]);
  });
});
