/** Number formatting for chart axes, legends and node labels. */

/** A value with its unit: `ms` switches to seconds past 1,000; rates keep one decimal under 10; null is "–". */
export function formatValue(v: number | null | undefined, unit: string): string {
  if (v == null || !Number.isFinite(v)) return '–';
  switch (unit) {
    case 'ms':
      return Math.abs(v) >= 1000 ? `${trim(v / 1000, 2)} s` : `${trim(v, Math.abs(v) < 10 ? 1 : 0)} ms`;
    case 's':
      return Math.abs(v) >= 120 ? `${trim(v / 60, 1)} min` : `${trim(v, Math.abs(v) < 10 ? 1 : 0)} s`;
    case '%':
      return `${trim(v, Math.abs(v) < 10 ? 1 : 0)} %`;
    case '':
      return compact(v);
    default:
      return `${compact(v)} ${unit}`;
  }
}

/** 1234 → "1.2k", 0.25 → "0.25", 12.34 → "12.3". */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${trim(v / 1e6, 1)}M`;
  if (a >= 1e4) return `${trim(v / 1e3, 0)}k`;
  if (a >= 1e3) return `${trim(v / 1e3, 1)}k`;
  if (a >= 10) return trim(v, a >= 100 ? 0 : 1);
  if (a === 0) return '0';
  return trim(v, a < 1 ? 2 : 1);
}

function trim(v: number, digits: number): string {
  return v.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1');
}
