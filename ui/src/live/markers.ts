/**
 * Markers: the moments worth a vertical line on every chart — chaos changes, scenario phases, breaker transitions,
 * token refreshes and drift — extracted from typed events and from the farm's status.
 */
import { parseInstant } from './time';
import type { FarmStatus, Marker, MarkerKind, MeshEvent } from './types';

/** Colour of each marker kind (also used by the legend). */
export const MARKER_COLORS: Record<MarkerKind, string> = {
  chaos: '#ff6b6b',
  phase: '#b197fc',
  circuit: '#ffa94d',
  token: '#4dabf7',
  drift: '#f783ac',
};

/** Human names of the marker kinds, for the legend. */
export const MARKER_NAMES: Record<MarkerKind, string> = {
  chaos: 'chaos level',
  phase: 'scenario phase',
  circuit: 'breaker',
  token: 'token refresh',
  drift: 'schema drift',
};

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The marker of one typed event, or null when the event is not one worth a line. */
export function markerFromEvent(e: MeshEvent): Marker | null {
  const t = parseInstant(e.at);
  if (!Number.isFinite(t)) return null;
  const c = str(e.connector);
  switch (e.type) {
    case 'circuit_transition':
      return {
        t,
        kind: 'circuit',
        connector: c,
        label: `${c ?? '?'} breaker ${str(e.from) ?? '?'} → ${str(e.to) ?? '?'}`,
        to: str(e.to)?.toLowerCase().replace(/[-\s]/g, '_') ?? null,
      };
    case 'chaos': {
      // The server's own chaos marks (a run's chaos history, the calm at its end); the farm poll gives the live ones.
      const services = Array.isArray(e.services) ? (e.services as unknown[]).filter((x): x is string => typeof x === 'string') : [];
      const level = str(e.level) ?? '?';
      const who = services.length > 0 ? services.join(', ') : 'all services';
      const label = str(e.reason) ?? `chaos ${level} on ${who}${typeof e.duration_s === 'number' ? ` for ${e.duration_s}s` : ''}`;
      return { t, kind: 'chaos', connector: services.length === 1 ? services[0] : null, label, level };
    }
    case 'token_refreshed':
      return { t, kind: 'token', connector: c, label: `${c ?? '?'} token refreshed${str(e.trigger) ? ` (${e.trigger})` : ''}` };
    case 'token_refresh_failed':
      return {
        t,
        kind: 'token',
        connector: c,
        label: `${c ?? '?'} token refresh FAILED${str(e.error_class) ? ` (${e.error_class})` : ''}`,
      };
    case 'drift_detected': {
      const what = str(e.before) && str(e.after) ? `${e.before} → ${e.after}` : (str(e.kind) ?? 'schema change');
      return { t, kind: 'drift', connector: c, label: `${c ?? '?'} drift: ${str(e.kind) ?? ''} ${what}`.replace(/\s+/g, ' ') };
    }
    case 'run': {
      const run = str(e.run) ?? '?';
      const what = str(e.what) ?? '';
      const phase = str(e.phase);
      const chaos = str(e.chaos);
      let label: string;
      if (what === 'started') label = `run ${run} started${phase ? `: ${phase}` : ''}`;
      else if (what === 'finished') label = `run ${run} finished${str(e.state) ? ` (${e.state})` : ''}`;
      else label = `run ${run} phase ${phase ?? '?'}`;
      if (chaos && what !== 'finished') label += ` [chaos ${chaos}]`;
      return { t, kind: 'phase', connector: null, label, phase: what === 'finished' ? null : (phase ?? what), level: chaos };
    }
    default:
      return null;
  }
}

type History = NonNullable<FarmStatus['chaos']['history']>;

function historyKey(h: History[number]): string {
  return `${h.at}|${h.level}|${(h.services ?? []).join(',')}`;
}

function historyLabel(h: History[number]): string {
  const who = h.services && h.services.length > 0 ? h.services.join(', ') : 'all services';
  return `chaos ${h.level} on ${who}${h.duration_s ? ` for ${h.duration_s}s` : ''}`;
}

/**
 * Chaos markers from two successive farm statuses (prev null: the first poll, whose whole history is new): one per
 * new `chaos.history` entry at its own time, and, at `now`, one per group of services whose level changed without a
 * new history entry explaining it (a timed level that ran out).
 */
export function chaosMarkers(prev: FarmStatus | null, cur: FarmStatus, now: number): Marker[] {
  const out: Marker[] = [];
  const seen = new Set((prev?.chaos.history ?? []).map(historyKey));
  const fresh = (cur.chaos.history ?? []).filter((h) => !seen.has(historyKey(h)));
  for (const h of fresh) {
    const t = parseInstant(h.at);
    if (!Number.isFinite(t)) continue;
    const services = h.services ?? [];
    out.push({ t, kind: 'chaos', connector: services.length === 1 ? services[0] : null, label: historyLabel(h), level: h.level });
  }
  if (!prev) return out;

  const before = prev.chaos.services ?? {};
  const after = cur.chaos.services ?? {};
  const explained = (svc: string, level: string) =>
    fresh.some((h) => h.level === level && (!h.services || h.services.length === 0 || h.services.includes(svc)));
  const groups = new Map<string, string[]>();
  for (const svc of Object.keys(after).sort()) {
    const from = before[svc];
    const to = after[svc];
    if (from === undefined || from === to || explained(svc, to)) continue;
    const key = `${from}→${to}`;
    groups.set(key, [...(groups.get(key) ?? []), svc]);
  }
  for (const [key, services] of groups) {
    const [from, to] = key.split('→');
    out.push({
      t: now,
      kind: 'chaos',
      connector: services.length === 1 ? services[0] : null,
      label: `chaos ${from} → ${to} on ${services.join(', ')}`,
      level: to,
    });
  }
  return out;
}

/** At most this many markers of the kinds that tell the story (run, chaos, breaker, drift): a safety net, never reached in practice. */
export const STORY_CAP = 20_000;

/**
 * Merges new markers into a time-ordered list, dropping exact duplicates; the same list when nothing is new. Token
 * refreshes (dozens a second under chaos; their density is drawn from the series) keep only the newest `cap`; the
 * other kinds are never dropped (up to {@link STORY_CAP}), so a run's start, chaos and drift stay on the charts.
 */
export function mergeMarkers(list: Marker[], add: Marker[], cap = 1000): Marker[] {
  if (add.length === 0) return list;
  const keys = new Set(list.map((m) => `${m.t}|${m.kind}|${m.label}`));
  const merged = list.slice();
  for (const m of add) {
    const k = `${m.t}|${m.kind}|${m.label}`;
    if (keys.has(k)) continue;
    keys.add(k);
    merged.push(m);
  }
  if (merged.length === list.length) return list;
  merged.sort((a, b) => a.t - b.t);
  let tokens = 0;
  let story = 0;
  for (const m of merged) {
    if (m.kind === 'token') tokens++;
    else story++;
  }
  if (tokens <= cap && story <= STORY_CAP) return merged;
  // Drop the oldest of whichever kind is over its cap, keeping time order.
  let dropTokens = Math.max(0, tokens - cap);
  let dropStory = Math.max(0, story - STORY_CAP);
  return merged.filter((m) => {
    if (m.kind === 'token' && dropTokens > 0) {
      dropTokens--;
      return false;
    }
    if (m.kind !== 'token' && dropStory > 0) {
      dropStory--;
      return false;
    }
    return true;
  });
}

/**
 * The markers a chart shows: all of them for the overall view (`ids` null), else the global ones and those of the
 * given ids (a connector's id and its farm service's id).
 */
export function markersFor(list: readonly Marker[], ids: readonly string[] | null): readonly Marker[] {
  if (ids == null) return list;
  return list.filter((m) => m.connector == null || ids.includes(m.connector));
}
