import { expect, test } from 'vitest';
import { attemptGroups, attemptKey, attemptLabel, mergeAttempts, type Attempt } from './attempts';

const at = (replay: number, number: number, sec: number): Attempt => ({
  replay,
  number,
  at: `2026-12-02T04:05:${String(sec).padStart(2, '0')}Z`,
  status: 503,
  error_class: 'server_error',
});

test('merging polls keeps every replay apart, attempts of one call in order, calls in replay order', () => {
  const first = [at(0, 1, 10), at(0, 2, 11)];
  const later = [at(0, 1, 10), at(0, 2, 11), at(1, 1, 20), at(2, 1, 30), at(2, 2, 31)];
  const merged = mergeAttempts(first, later);
  expect(merged.map((a) => attemptLabel(a, 0))).toEqual([
    'original call, attempt 1',
    'original call, attempt 2',
    'replay 1, attempt 1',
    'replay 2, attempt 1',
    'replay 2, attempt 2',
  ]);
});

test('an older server without replay numbers: every attempt is the original call', () => {
  expect(attemptLabel({ number: 3 }, 1)).toBe('original call, attempt 3');
});

test('groups follow the calls; the omitted attempts sit after the last of the first ones the server kept', () => {
  const list = [at(0, 1, 10), at(1, 1, 20), at(1, 2, 21), at(1, 3, 22), at(5, 1, 50)];
  const groups = attemptGroups(list, 40, attemptKey(list[2]));
  expect(groups.map((g) => (g.kind === 'omitted' ? `omitted ${g.count}` : `${g.replay}:${g.attempts.length}${g.continued ? '+' : ''}`))).toEqual([
    '0:1',
    '1:2',
    'omitted 40',
    '1:1+',
    '5:1',
  ]);
  expect(attemptGroups(list, 0, null).some((g) => g.kind === 'omitted')).toBe(false);
  // No hint where the gap is: after the original call.
  expect(attemptGroups(list, 7, null)[1]).toEqual({ kind: 'omitted', count: 7 });
});
