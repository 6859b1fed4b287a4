import { describe, expect, it } from 'vitest';
import { eventDetails, formatCount, formatMs, formatPct, formatRps, formatSeconds, parseDuration, parseSeed, relativeAge, secondsUntil } from './units';

describe('parseDuration', () => {
  it('reads seconds, minutes, milliseconds and hours as the AAM does', () => {
    expect(parseDuration('30s')).toEqual({ ok: true, seconds: 30, text: '30s' });
    expect(parseDuration(' 2m ')).toEqual({ ok: true, seconds: 120, text: '2m' });
    expect(parseDuration('1.5m')).toEqual({ ok: true, seconds: 90, text: '1.5m' });
    expect(parseDuration('500ms')).toEqual({ ok: true, seconds: 0.5, text: '500ms' });
    expect(parseDuration('1h')).toEqual({ ok: true, seconds: 3600, text: '1h' });
    expect(parseDuration('10 S')).toEqual({ ok: true, seconds: 10, text: '10s' });
  });

  it('asks for a unit when only a number is given', () => {
    const r = parseDuration('30');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('30s');
  });

  it('refuses empty, zero, negative, garbage and more than an hour', () => {
    expect(parseDuration('').ok).toBe(false);
    expect(parseDuration('0s').ok).toBe(false);
    expect(parseDuration('-5s').ok).toBe(false);
    expect(parseDuration('thirty seconds').ok).toBe(false);
    expect(parseDuration('30sec').ok).toBe(false);
    const long = parseDuration('61m');
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.message).toContain('1h 00m');
  });
});

describe('parseSeed', () => {
  it('is optional and whole', () => {
    expect(parseSeed('')).toEqual({ ok: true, seed: null });
    expect(parseSeed(' 42 ')).toEqual({ ok: true, seed: 42 });
    expect(parseSeed('4.2').ok).toBe(false);
    expect(parseSeed('-1').ok).toBe(false);
    expect(parseSeed('99999999999999999999').ok).toBe(false);
  });
});

describe('formatting', () => {
  it('scales millisecond precision with size', () => {
    expect(formatMs(0.4234)).toBe('0.42 ms');
    expect(formatMs(13.191)).toBe('13.2 ms');
    expect(formatMs(10117.119)).toBe('10,117 ms');
    expect(formatMs(null)).toBe('—');
    expect(formatMs(Number.NaN)).toBe('—');
  });

  it('never rounds a near-perfect rate to 100 % or a tiny one to 0 %', () => {
    expect(formatPct(0.6917585983127839)).toBe('69.2 %');
    expect(formatPct(1)).toBe('100.0 %');
    expect(formatPct(0)).toBe('0.0 %');
    expect(formatPct(0.9999)).toBe('99.99 %');
    expect(formatPct(0.99999)).toBe('99.999 %');
    expect(formatPct(0.00001)).toBe('0.001 %');
    expect(formatPct(undefined)).toBe('—');
  });

  it('shows counts as whole numbers and rates with one decimal', () => {
    expect(formatCount(2640)).toBe('2,640');
    expect(formatCount(168.0)).toBe('168');
    expect(formatRps(22)).toBe('22.0 req/s');
  });

  it('shows spans in s, m and h', () => {
    expect(formatSeconds(4.731)).toBe('4.7 s');
    expect(formatSeconds(45.0017)).toBe('45 s');
    expect(formatSeconds(125)).toBe('2m 05s');
    expect(formatSeconds(3600)).toBe('1h 00m');
    expect(formatSeconds(-3)).toBe('-3.0 s');
  });

  it('says how old an instant is, or how far ahead', () => {
    const now = Date.parse('2026-12-02T04:05:20Z');
    expect(relativeAge('2026-12-02T04:05:16.199Z', now)).toBe('4 s ago');
    expect(relativeAge('2026-12-02T04:02:20Z', now)).toBe('3 min ago');
    expect(relativeAge('2026-12-02T04:05:30Z', now)).toBe('in 10 s');
    expect(relativeAge('not a date', now)).toBe('—');
    expect(secondsUntil('2026-12-02T04:10:11.258118185Z', now)).toBeCloseTo(291.258, 2);
    expect(secondsUntil(null, now)).toBeNull();
  });
});

describe('eventDetails', () => {
  it("lists an event's own fields and skips the fixed and empty ones", () => {
    expect(
      eventDetails({
        type: 'retry_gave_up',
        at: '2026-12-02T04:05:11Z',
        connector: 'stripe_mock',
        attempts: 4,
        error_class: 'server_error',
        dlq_id: null,
        extra: { a: 1 },
      }),
    ).toBe('attempts=4 error_class=server_error extra={"a":1}');
  });
});
