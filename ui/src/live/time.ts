/** Time helpers: the server's ISO instants carry nanoseconds, the charts use epoch seconds. */

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses an ISO-8601 instant (any number of fraction digits) into epoch seconds; NaN when it is not one. */
export function parseInstant(s: string | null | undefined): number {
  if (!s) return NaN;
  const m = ISO.exec(s);
  if (!m) return NaN;
  const whole = Date.parse(m[1] + m[3]);
  if (Number.isNaN(whole)) return NaN;
  const frac = m[2] ? Number('0.' + m[2]) : 0;
  return whole / 1000 + frac;
}

/** "12:04:05" in local time for an epoch-seconds instant. */
export function clock(t: number): string {
  const d = new Date(t * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
