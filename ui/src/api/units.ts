/** Formatting of measured values and parsing of the durations the run forms take; pure, shared by the pages. */

/** What a duration field parsed to: seconds and the text to send, or why it is refused. */
export type DurationParse = { ok: true; seconds: number; text: string } | { ok: false; message: string };

/** The AAM refuses runs longer than an hour (RunRoutes.MAX_DURATION). */
export const MAX_RUN_SECONDS = 3600;

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;

/**
 * Parses a run duration the way the AAM reads it: a number and a unit, `500ms`, `30s`, `2m`, `1h`.
 * Zero, a missing unit and more than an hour are refused with a message a form can show.
 */
export function parseDuration(input: string, maxSeconds = MAX_RUN_SECONDS): DurationParse {
  const text = input.trim().toLowerCase();
  if (text === '') return { ok: false, message: 'a duration is required, e.g. 30s or 2m' };
  const m = DURATION.exec(text);
  if (!m) {
    if (/^\d+(\.\d+)?$/.test(text)) return { ok: false, message: `add a unit: ${text}s or ${text}m` };
    return { ok: false, message: `"${input.trim()}" is not a duration: write a number and s or m, e.g. 30s or 2m` };
  }
  const n = Number(m[1]);
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  const seconds = n * factor;
  if (seconds <= 0) return { ok: false, message: 'the duration must be more than zero' };
  if (seconds > maxSeconds) return { ok: false, message: `at most ${formatSeconds(maxSeconds)}, was ${formatSeconds(seconds)}` };
  return { ok: true, seconds, text: `${m[1]}${m[2]}` };
}

/** Parses an optional whole-number seed: empty is "none" (null); anything else must be a non-negative integer. */
export function parseSeed(input: string): { ok: true; seed: number | null } | { ok: false; message: string } {
  const t = input.trim();
  if (t === '') return { ok: true, seed: null };
  if (!/^\d+$/.test(t)) return { ok: false, message: 'the seed must be a whole number ≥ 0' };
  const n = Number(t);
  if (!Number.isSafeInteger(n)) return { ok: false, message: 'the seed is too large' };
  return { ok: true, seed: n };
}

const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Milliseconds with precision that fits their size: `0.42 ms`, `13.2 ms`, `2,868 ms`; `—` when unknown. */
export function formatMs(v: number | null | undefined): string {
  if (!isNum(v)) return '—';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ms`;
}

/**
 * A rate in [0, 1] as a percentage with one decimal; a rate just short of 0 % or 100 % keeps more digits so it is
 * never shown as the perfect value it is not (0.9999 → `99.99 %`, not `100.0 %`).
 */
export function formatPct(rate: number | null | undefined): string {
  if (!isNum(rate)) return '—';
  const pct = rate * 100;
  let digits = 1;
  while (digits < 4 && pct !== 100 && pct !== 0 && (Number(pct.toFixed(digits)) === 100 || Number(pct.toFixed(digits)) === 0)) digits++;
  return `${pct.toFixed(digits)} %`;
}

/** A count as a whole number with thousands separators (`2,640`). */
export function formatCount(v: number | null | undefined): string {
  if (!isNum(v)) return '—';
  return Math.round(v).toLocaleString('en-US');
}

/** A request rate: `22.0 req/s`. */
export function formatRps(v: number | null | undefined): string {
  if (!isNum(v)) return '—';
  return `${v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} req/s`;
}

/** A span of seconds: `4.7 s`, `2m 05s`, `1h 00m`. */
export function formatSeconds(s: number | null | undefined): string {
  if (!isNum(s)) return '—';
  const neg = s < 0 ? '-' : '';
  const a = Math.abs(s);
  if (a < 60) return `${neg}${a.toFixed(a < 10 ? 1 : 0)} s`;
  const total = Math.round(a);
  if (total < 3600) return `${neg}${Math.floor(total / 60)}m ${String(total % 60).padStart(2, '0')}s`;
  return `${neg}${Math.floor(total / 3600)}h ${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}m`;
}

/** How long ago an ISO instant was, relative to `now` (ms since epoch): `12 s ago`, `3 min ago`; future: `in 5 s`. */
export function relativeAge(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const d = Math.round((now - t) / 1000);
  const a = Math.abs(d);
  const span = a < 60 ? `${a} s` : a < 3600 ? `${Math.floor(a / 60)} min` : a < 86400 ? `${Math.floor(a / 3600)} h` : `${Math.floor(a / 86400)} d`;
  return d >= 0 ? `${span} ago` : `in ${span}`;
}

/** Seconds from `now` until an ISO instant (negative once past); null when the instant is missing or unreadable. */
export function secondsUntil(iso: string | null | undefined, now: number): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : (t - now) / 1000;
}

/** A short local date-time for tables: `2026-12-02 04:05:11`. */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const EVENT_FIXED = new Set(['type', 'at', 'connector', 'id']);

/** An event's own fields (not type, time, connector, id) as `key=value` pairs, for history and error lists. */
export function eventDetails(e: Record<string, unknown>): string {
  return Object.entries(e)
    .filter(([k, v]) => !EVENT_FIXED.has(k) && v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}
