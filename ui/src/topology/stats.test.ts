import { expect, test } from 'vitest';
import { col } from '../live/rates';
import { nodeStats } from './stats';

function src(cols: Record<string, (number | null)[]>, n: number) {
  return { t: Array.from({ length: n }, (_, i) => i), column: (name: string) => cols[name] ?? new Array(n).fill(null) };
}

test('rate is the mean of the window, error % the failed share of attempts', () => {
  const s = src(
    {
      [col('a', 'attempts')]: [1000, 10, 10, 10, 10, 10],
      [col('a', 'err_server_error')]: [1000, 1, 1, 0, 0, 0],
      [col('a', 'err_timeout')]: [0, 0, 0, 1, 0, 0],
      [col('a', 'p99')]: [5, 6, 7, 8, 9, null],
      [col('a', 'circuit')]: [0, 0, 2, 2, 1, 1],
    },
    6,
  );
  const st = nodeStats(s, 'a', 5);
  expect(st.reqPerS).toBe(10);
  expect(st.okPerS).toBeCloseTo(9.4, 6); // 47 of 50 attempts answered without error, over 5 s
  expect(st.errorPct).toBeCloseTo(6, 6); // 3 of 50
  expect(st.p99).toBe(9); // the latest known
  expect(st.circuit).toBe(1);
});

test('no traffic: rate 0, error % unknown (not 0 %)', () => {
  const st = nodeStats(src({ [col('a', 'attempts')]: [0, 0] }, 2), 'a');
  expect(st.reqPerS).toBe(0);
  expect(st.errorPct).toBeNull();
});

test('an empty store: everything unknown', () => {
  expect(nodeStats(src({}, 0), 'a')).toEqual({ reqPerS: null, okPerS: null, errorPct: null, p99: null, circuit: null });
});

test('error % is capped at 100', () => {
  const st = nodeStats(src({ [col('a', 'attempts')]: [1], [col('a', 'err_timeout')]: [3] }, 1), 'a');
  expect(st.errorPct).toBe(100);
});
