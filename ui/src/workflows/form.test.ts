import { describe, expect, it } from 'vitest';
import { workflowRequest } from './form';

const base = { connector: 'stripe_mock', workflow: 'idempotent_write', rate: '10', duration: '30s', chaos: '', seed: '' };

describe('workflowRequest', () => {
  it('builds the body with one connector and leaves optional fields out', () => {
    expect(workflowRequest(base)).toEqual({
      ok: true,
      request: { workflow: 'idempotent_write', connectors: ['stripe_mock'], rate: 10, duration: '30s' },
    });
    expect(workflowRequest({ ...base, rate: '2.5', duration: '2m', chaos: 'storm', seed: '7' })).toEqual({
      ok: true,
      request: { workflow: 'idempotent_write', connectors: ['stripe_mock'], rate: 2.5, duration: '2m', chaos: 'storm', seed: 7 },
    });
  });

  it('names the wrong fields with the server field names', () => {
    const r = workflowRequest({ connector: '', workflow: '', rate: '0', duration: '30', chaos: '', seed: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['connectors', 'duration', 'rate', 'seed', 'workflow']);
  });

  it('bounds the rate and refuses an empty one', () => {
    expect(workflowRequest({ ...base, rate: '10001' }).ok).toBe(false);
    expect(workflowRequest({ ...base, rate: '10000' }).ok).toBe(true);
    expect(workflowRequest({ ...base, rate: ' ' }).ok).toBe(false);
    expect(workflowRequest({ ...base, rate: 'Infinity' }).ok).toBe(false);
  });
});
