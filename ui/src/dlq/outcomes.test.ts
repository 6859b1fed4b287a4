import { describe, expect, it } from 'vitest';
import { describeReplay, describeReplayAll } from './outcomes';

describe('replay outcomes', () => {
  it('says what one replay did, with status and message when given', () => {
    expect(describeReplay({ id: 'dlq_1', outcome: 'succeeded', status: 202, message: null })).toBe('dlq_1: succeeded (HTTP 202)');
    expect(describeReplay({ id: 'dlq_2', outcome: 'failed', status: null, message: 'HTTP 503' })).toBe('dlq_2: failed — HTTP 503');
  });

  it('counts a bulk replay by outcome and says when there was nothing', () => {
    expect(
      describeReplayAll(
        [
          { id: 'a', outcome: 'succeeded', status: 202 },
          { id: 'b', outcome: 'failed', status: 503 },
          { id: 'c', outcome: 'succeeded', status: 201 },
        ],
        'stripe_mock',
      ),
    ).toBe('replayed 3 of stripe_mock: 2 succeeded, 1 failed');
    expect(describeReplayAll([], null)).toBe('nothing pending to replay');
    expect(describeReplayAll([], 'github_mock')).toBe('nothing pending to replay for github_mock');
  });
});
