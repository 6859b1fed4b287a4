/**
 * Keeps long series small without losing what matters: points newer than a cut-off stay at full resolution, older
 * ones are folded into buckets of two points that keep each column's minimum and maximum (in the order they
 * happened), so spikes and dips survive and every column still shares one time axis.
 */

/** Columnar series: one time axis (ascending) and columns of the same length. */
export interface Columns {
  t: number[];
  cols: (number | null)[][];
}

/**
 * Returns at most `budget` points (budget >= 4): points with `t >= keepFrom` are kept as they are (as many as the
 * budget allows, newest first), the older ones are folded into min/max buckets. Input is not modified.
 */
export function downsample(input: Columns, keepFrom: number, budget: number): Columns {
  const { t, cols } = input;
  const n = t.length;
  if (budget < 4) throw new Error(`budget must be at least 4, got ${budget}`);
  if (n <= budget) return { t: t.slice(), cols: cols.map((c) => c.slice()) };

  // First index of the full-resolution tail; the tail may use the whole budget but two points.
  let split = lowerBound(t, keepFrom);
  split = Math.max(split, n - (budget - 2));
  const oldBudget = budget - (n - split);
  const buckets = Math.floor(oldBudget / 2);
  const size = Math.ceil(split / buckets);

  const outT: number[] = [];
  const outCols: (number | null)[][] = cols.map(() => []);
  for (let a = 0; a < split; a += size) {
    const b = Math.min(split, a + size);
    if (b - a === 1) {
      outT.push(t[a]);
      cols.forEach((c, k) => outCols[k].push(c[a]));
      continue;
    }
    outT.push(t[a], t[b - 1]);
    cols.forEach((c, k) => {
      let min: number | null = null;
      let max: number | null = null;
      let iMin = -1;
      let iMax = -1;
      for (let i = a; i < b; i++) {
        const v = c[i];
        if (v == null) continue;
        if (min == null || v < min) (min = v), (iMin = i);
        if (max == null || v > max) (max = v), (iMax = i);
      }
      if (iMin <= iMax) outCols[k].push(min, max);
      else outCols[k].push(max, min);
    });
  }
  for (let i = split; i < n; i++) outT.push(t[i]);
  cols.forEach((c, k) => {
    for (let i = split; i < n; i++) outCols[k].push(c[i]);
  });
  return { t: outT, cols: outCols };
}

/** The first index whose time is >= x (n when none). */
export function lowerBound(t: number[], x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
