import { describe, expect, test } from 'vitest';
import { downsample, lowerBound, type Columns } from './downsample';

function series(n: number, f: (i: number) => number | null = (i) => i): Columns {
  const t = Array.from({ length: n }, (_, i) => 1000 + i);
  return { t, cols: [t.map((_, i) => f(i))] };
}

function ascending(t: number[]): boolean {
  return t.every((x, i) => i === 0 || x > t[i - 1]);
}

describe('downsample', () => {
  test('empty and short inputs come back unchanged (as copies)', () => {
    const empty = downsample({ t: [], cols: [[]] }, 0, 10);
    expect(empty).toEqual({ t: [], cols: [[]] });
    const s = series(5);
    const out = downsample(s, 0, 10);
    expect(out).toEqual(s);
    expect(out.t).not.toBe(s.t);
  });

  test('the budget is respected for every size', () => {
    for (const n of [11, 12, 13, 50, 301, 999, 3600, 7201]) {
      for (const budget of [4, 5, 10, 100, 2000]) {
        const out = downsample(series(n), 1000 + n - 300, budget);
        expect(out.t.length, `n=${n} budget=${budget}`).toBeLessThanOrEqual(Math.max(budget, Math.min(n, budget)));
        expect(out.cols[0].length).toBe(out.t.length);
      }
    }
  });

  test('time order is kept', () => {
    const out = downsample(series(3600), 1000 + 3300, 500);
    expect(ascending(out.t)).toBe(true);
  });

  test('the recent part stays at full resolution', () => {
    const s = series(3600, (i) => Math.sin(i));
    const keepFrom = 1000 + 3600 - 300;
    const out = downsample(s, keepFrom, 2000);
    const tail = out.t.filter((x) => x >= keepFrom);
    expect(tail.length).toBe(300);
    expect(out.cols[0].slice(-300)).toEqual(s.cols[0].slice(-300));
    expect(out.t[out.t.length - 1]).toBe(s.t[s.t.length - 1]);
  });

  test('a one-point spike and a one-point dip in the old part survive', () => {
    const s = series(3600, (i) => (i === 1234 ? 9999 : i === 2222 ? -50 : 10));
    const out = downsample(s, 1000 + 3300, 200);
    expect(Math.max(...(out.cols[0] as number[]))).toBe(9999);
    expect(Math.min(...(out.cols[0] as number[]))).toBe(-50);
  });

  test('within a bucket, min and max keep the order they happened in', () => {
    // Rising then a drop: max before min in the bucket holding both.
    const s = series(100, (i) => (i === 10 ? 500 : i === 12 ? -500 : 0));
    const out = downsample(s, 1000 + 100, 10);
    const v = out.cols[0];
    expect(v.indexOf(500)).toBeLessThan(v.indexOf(-500));
  });

  test('nulls are skipped; a bucket of nulls stays null', () => {
    const s = series(100, (i) => (i < 50 ? null : i === 70 ? 7 : 1));
    const out = downsample(s, 1000 + 100, 10);
    expect(out.cols[0][0]).toBeNull();
    expect(out.cols[0]).toContain(7);
  });

  test('all columns share the one time axis', () => {
    const t = Array.from({ length: 500 }, (_, i) => i);
    const out = downsample({ t, cols: [t.map((i) => i), t.map((i) => -i), t.map(() => null)] }, 400, 60);
    for (const c of out.cols) expect(c.length).toBe(out.t.length);
  });

  test('a tail bigger than the budget is cut so the budget still holds', () => {
    const out = downsample(series(1000), 0, 100);
    expect(out.t.length).toBeLessThanOrEqual(100);
    expect(out.t[out.t.length - 1]).toBe(1999);
    expect(ascending(out.t)).toBe(true);
  });

  test('a budget below 4 is refused', () => {
    expect(() => downsample(series(10), 0, 3)).toThrow(/budget/);
  });
});

describe('lowerBound', () => {
  test.each([
    [[], 5, 0],
    [[1, 2, 3], 0, 0],
    [[1, 2, 3], 2, 1],
    [[1, 2, 3], 2.5, 2],
    [[1, 2, 3], 9, 3],
  ])('%j >= %d at %d', (t, x, i) => expect(lowerBound(t as number[], x as number)).toBe(i));
});
