/** Which run is in progress: the SSE's word (`live.activeRun`) confirmed by polling `GET /api/runs`. */
import type { RunSummary } from '../api/types';

/** The run in progress as the header shows it. */
export interface ActiveRunView {
  id: string;
  scenario: string;
  phase: string | null;
  chaos: string | null;
}

/**
 * Merges the live stream's active run with the polled run list (null while not loaded):
 * a polled `running` run wins (the SSE may have connected late), with the stream's phase and chaos when it knows them;
 * a run the stream announced but the list does not have yet is believed (the poll is up to 2 s behind);
 * a run the list shows as finished is over, whatever the stream last said.
 */
export function activeRunOf(live: ActiveRunView | null, polled: RunSummary[] | null): ActiveRunView | null {
  if (polled === null) return live;
  const running = polled.filter((r) => r.state === 'running');
  if (running.length > 0) {
    const r = (live && running.find((x) => x.id === live.id)) ?? running[running.length - 1];
    const same = live !== null && live.id === r.id;
    return { id: r.id, scenario: r.scenario, phase: same ? live.phase : null, chaos: same ? live.chaos : null };
  }
  if (live && !polled.some((r) => r.id === live.id)) return live;
  return null;
}
