import { describe, expect, it } from 'vitest';
import { bucketText, errorBreakdown, errorShare, tokenCountdown } from './figures';

describe('connector figures', () => {
  it('computes the error share of logical calls and nothing before any call', () => {
    expect(errorShare({ calls: 99, failed: 8 })).toBeCloseTo(0.0808, 3);
    expect(errorShare({ calls: 0, failed: 0 })).toBeNull();
    expect(errorShare(undefined)).toBeNull();
  });

  it('breaks errors down by class, dropping classes that never failed', () => {
    expect(
      errorBreakdown({
        failures: { server_error: 3, rate_limit: 3, timeout: 0, client_error: 0 },
        attempt_failures: { server_error: 23, rate_limit: 35, timeout: 0, network_error: 6, client_error: 0 },
      }),
    ).toEqual([
      { errorClass: 'rate_limit', calls: 3, attempts: 35 },
      { errorClass: 'server_error', calls: 3, attempts: 23 },
      { errorClass: 'network_error', calls: 0, attempts: 6 },
    ]);
    expect(errorBreakdown(undefined)).toEqual([]);
  });

  it('writes the bucket with or without its burst', () => {
    expect(bucketText({ tokens: 48.7, rate_rps: 51.35, learned_limit_rps: 54.05, burst: 50 })).toBe('48/50 tokens @ 51.4 rps');
    expect(bucketText({ tokens: 10, rate_rps: 20 })).toBe('10 tokens @ 20.0 rps');
    expect(bucketText(undefined)).toBe('—');
  });

  it('counts a token down and says when it expired', () => {
    expect(tokenCountdown(291.3)).toBe('expires in 4m 51s');
    expect(tokenCountdown(-3)).toBe('expired 3.0 s ago');
    expect(tokenCountdown(null)).toBeNull();
  });
});
