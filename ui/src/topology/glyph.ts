/**
 * Scales of the Hystrix-style connector glyph: size by request rate (log, bounded), colour by error percentage
 * (green → yellow → red), ring by circuit state. Pure, so they are tested without a browser.
 */

/** Smallest and largest glyph radius (px) and the rate that reaches the largest. */
export const MIN_R = 8;
export const MAX_R = 28;
export const MAX_RPS = 200;

/**
 * Radius for a request rate: the circle's area grows in proportion to the rate (r ∝ √rps), from MIN_R at 0 (or
 * unknown) to MAX_R at MAX_RPS and beyond, so twice the rate looks twice as big (a log scale made 42 and 87 req/s alike).
 */
export function glyphRadius(rps: number | null): number {
  if (rps == null || !Number.isFinite(rps) || rps <= 0) return MIN_R;
  const f = Math.sqrt(Math.min(1, rps / MAX_RPS));
  return Math.sqrt(MIN_R * MIN_R + (MAX_R * MAX_R - MIN_R * MIN_R) * f * f);
}

/** Hue for an error percentage: 120 (green) at 0 %, 60 (yellow) at 10 %, 0 (red) at 30 % and above. */
export function healthHue(errorPct: number): number {
  const p = Math.max(0, errorPct);
  if (p <= 10) return 120 - 6 * p;
  return Math.max(0, 60 - 3 * (p - 10));
}

/** Fill colour for an error percentage; grey when there is no traffic to judge by (null). */
export function healthColor(errorPct: number | null): string {
  if (errorPct == null || !Number.isFinite(errorPct)) return 'hsl(220, 10%, 45%)';
  return `hsl(${Math.round(healthHue(errorPct))}, 70%, 45%)`;
}

/** How a circuit state is drawn around the glyph. */
export interface RingStyle {
  color: string;
  width: number;
  /** SVG stroke-dasharray ('' for a solid ring). */
  dash: string;
  label: string;
}

/** Ring per circuit state (0 closed, 1 half-open, 2 open, null unknown): thin green, dashed amber, thick red. */
export function ringStyle(level: number | null): RingStyle {
  switch (level) {
    case 0:
      return { color: '#51cf66', width: 1.5, dash: '', label: 'closed' };
    case 1:
      return { color: '#fcc419', width: 3, dash: '4 3', label: 'half-open' };
    case 2:
      return { color: '#ff4d4f', width: 5, dash: '', label: 'OPEN' };
    default:
      return { color: '#6c7380', width: 1, dash: '2 3', label: 'unknown' };
  }
}

/** Colour of a chaos level chip (calm … hell); unknown levels are neutral. */
export function chaosColor(level: string | null | undefined): string {
  switch (level) {
    case 'calm':
      return '#2f9e44';
    case 'mild':
      return '#e0a800';
    case 'storm':
      return '#e8590c';
    case 'hell':
      return '#c92a2a';
    default:
      return '#495057';
  }
}
