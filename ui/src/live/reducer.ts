/** The app-wide {@link LiveState}: connection, active run, latest metrics and the last typed events. */
import type { ActiveRun, LiveState, MeshEvent, MetricsSnapshot } from './types';

/** How many typed events the live state keeps. */
export const EVENT_CAP = 200;

/** What can happen to the live state. */
export type LiveAction =
  | { type: 'connected'; value: boolean }
  | { type: 'metrics'; snapshot: MetricsSnapshot }
  | { type: 'events'; events: MeshEvent[] }
  /** What `GET /runs` says is running now (null: nothing), used when the stream cannot know (a late connect). */
  | { type: 'running'; run: ActiveRun | null };

/** The state before anything arrived. */
export const initialLive: LiveState = { connected: false, activeRun: null, lastMetrics: null, events: [] };

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The active run after one `run` event (started / phase / finished). */
export function applyRunEvent(cur: ActiveRun | null, e: MeshEvent): ActiveRun | null {
  const id = str(e.run);
  if (!id) return cur;
  const phase = str(e.phase);
  const chaos = str(e.chaos);
  switch (e.what) {
    case 'started':
      return { id, scenario: str(e.scenario) ?? id, phase, chaos };
    case 'phase':
      if (cur && cur.id !== id) return cur;
      return {
        id,
        scenario: str(e.scenario) ?? cur?.scenario ?? id,
        phase: phase ?? cur?.phase ?? null,
        chaos: chaos ?? cur?.chaos ?? null,
      };
    case 'finished':
      return cur && cur.id === id ? null : cur;
    default:
      return cur;
  }
}

/** Pure reducer of the live state. */
export function liveReducer(s: LiveState, a: LiveAction): LiveState {
  switch (a.type) {
    case 'connected':
      return s.connected === a.value ? s : { ...s, connected: a.value };
    case 'metrics':
      return { ...s, lastMetrics: a.snapshot };
    case 'events': {
      if (a.events.length === 0) return s;
      let run = s.activeRun;
      const typed = a.events.filter((e) => e.type !== 'metrics');
      for (const e of typed) if (e.type === 'run') run = applyRunEvent(run, e);
      const all = s.events.concat(typed);
      return { ...s, activeRun: run, events: all.length > EVENT_CAP ? all.slice(all.length - EVENT_CAP) : all };
    }
    case 'running': {
      if (a.run == null) return s.activeRun == null ? s : { ...s, activeRun: null };
      // Keep what the stream already told about the same run (its phase is fresher than a poll's).
      if (s.activeRun && s.activeRun.id === a.run.id) {
        const merged = {
          ...s.activeRun,
          phase: s.activeRun.phase ?? a.run.phase,
          chaos: s.activeRun.chaos ?? a.run.chaos,
        };
        return merged.phase === s.activeRun.phase && merged.chaos === s.activeRun.chaos ? s : { ...s, activeRun: merged };
      }
      return { ...s, activeRun: a.run };
    }
  }
}
