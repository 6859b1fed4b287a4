import { describe, expect, test } from 'vitest';
import { chaosColor, glyphRadius, healthColor, healthHue, MAX_R, MAX_RPS, MIN_R, ringStyle } from './glyph';

describe('glyphRadius', () => {
  test('no traffic, unknown or nonsense: the smallest', () => {
    for (const v of [null, 0, -5, NaN, Infinity]) expect(glyphRadius(v)).toBe(MIN_R);
  });
  test('grows with the rate: the area (above the smallest) in proportion to it', () => {
    const r1 = glyphRadius(1);
    const r10 = glyphRadius(10);
    const r100 = glyphRadius(100);
    expect(r1).toBeGreaterThan(MIN_R);
    expect(r10).toBeGreaterThan(r1);
    expect(r100).toBeGreaterThan(r10);
    const area = (rps: number) => glyphRadius(rps) ** 2 - MIN_R ** 2;
    expect(area(87) / area(42)).toBeCloseTo(87 / 42, 6);
    // 42 and 87 req/s do not look alike (a log scale gave them ~2 px apart).
    expect(glyphRadius(87) - glyphRadius(42)).toBeGreaterThan(4);
  });
  test('bounded at the top', () => {
    expect(glyphRadius(MAX_RPS)).toBeCloseTo(MAX_R, 6);
    expect(glyphRadius(1e9)).toBe(MAX_R);
  });
});

describe('health colour', () => {
  test('green at 0 %, yellow at 10 %, red from 30 %', () => {
    expect(healthHue(0)).toBe(120);
    expect(healthHue(10)).toBe(60);
    expect(healthHue(30)).toBe(0);
    expect(healthHue(100)).toBe(0);
    expect(healthHue(-3)).toBe(120);
  });
  test('monotonic: more errors never look healthier', () => {
    let prev = Infinity;
    for (let p = 0; p <= 100; p += 0.5) {
      const h = healthHue(p);
      expect(h).toBeLessThanOrEqual(prev);
      prev = h;
    }
  });
  test('no traffic is grey, not green', () => {
    expect(healthColor(null)).toMatch(/^hsl\(220/);
    expect(healthColor(0)).toBe('hsl(120, 70%, 45%)');
  });
});

describe('ringStyle', () => {
  test('closed thin green, half-open dashed amber, open thick red', () => {
    const c = ringStyle(0);
    const h = ringStyle(1);
    const o = ringStyle(2);
    expect(c.dash).toBe('');
    expect(h.dash).not.toBe('');
    expect(o.width).toBeGreaterThan(h.width);
    expect(h.width).toBeGreaterThan(c.width);
    expect([c.label, h.label, o.label]).toEqual(['closed', 'half-open', 'OPEN']);
    expect(ringStyle(null).label).toBe('unknown');
  });
});

test('chaos colours are distinct per level', () => {
  const cs = ['calm', 'mild', 'storm', 'hell'].map(chaosColor);
  expect(new Set(cs).size).toBe(4);
  expect(chaosColor('weird')).toBe(chaosColor(undefined));
});
