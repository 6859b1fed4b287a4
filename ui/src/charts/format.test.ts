import { expect, test } from 'vitest';
import { compact, formatValue } from './format';

test.each([
  [null, 'ms', '–'],
  [NaN, 'ms', '–'],
  [3.25, 'ms', '3.3 ms'],
  [141.311, 'ms', '141 ms'],
  [2867.199, 'ms', '2.87 s'],
  [1000, 'ms', '1 s'],
  [4.731, 's', '4.7 s'],
  [600, 's', '10 min'],
  [0.5, '%', '0.5 %'],
  [45.6, '%', '46 %'],
  [12.5, 'req/s', '12.5 req/s'],
  [0, '/s', '0 /s'],
])('formatValue(%s, %s) = %s', (v, u, s) => expect(formatValue(v as number | null, u as string)).toBe(s));

test.each([
  [0, '0'],
  [0.25, '0.25'],
  [3.04, '3'],
  [12.34, '12.3'],
  [150, '150'],
  [1234, '1.2k'],
  [54321, '54k'],
  [2_500_000, '2.5M'],
  [-1500, '-1.5k'],
])('compact(%s) = %s', (v, s) => expect(compact(v)).toBe(s));
