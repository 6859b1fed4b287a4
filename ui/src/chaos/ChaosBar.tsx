/** The header's chaos strip: each farm service's chaos level, the run in progress, and the big Halt button. */
import { useEffect, useState } from 'react';
import { listRuns, stopRun } from '../api/aam';
import { ErrorNote, errorText } from '../api/ErrorNote';
import { getFarmStatus, setChaos } from '../api/farm';
import { usePoll } from '../api/usePoll';
import type { LiveState } from '../live/types';
import '../api/pages.css';
import { activeRunOf } from './activeRun';
import { serviceLevels } from './levels';
import './chaos.css';

const DEFAULT_REASON = 'halted from the control room';
const OUTCOME_MS = 20_000;

/** Always visible: chaos chips (`chaos-level-<id>`), the active run (`active-run`) and Halt (`halt-button`). */
export function ChaosBar(props: { live: LiveState }) {
  const farm = usePoll(getFarmStatus, 2000, 'farm-status');
  const runs = usePoll(listRuns, 2000, 'runs');
  const active = activeRunOf(props.live.activeRun, runs.data);
  // Empty with a placeholder: pre-filled text read like a status line.
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  // The outcome is news, not state: it leaves the header after a while so the bar keeps its one line.
  useEffect(() => {
    if (!outcome) return;
    const t = setTimeout(() => setOutcome(null), OUTCOME_MS);
    return () => clearTimeout(t);
  }, [outcome]);

  const levels = farm.data ? serviceLevels(farm.data) : [];
  // HALT also calms a farm turned by hand, with no run in progress.
  const stormy = levels.some((s) => s.level !== 'calm');

  const halt = async () => {
    if (!active && !stormy) return;
    setBusy(true);
    const parts: string[] = [];
    let ok = true;
    // Both steps run even if the first fails: a storm left blowing after a failed stop is the worse outcome.
    if (active) {
      try {
        await stopRun(active.id, reason.trim() || DEFAULT_REASON);
        parts.push(`run ${active.id} stopping`);
      } catch (e) {
        ok = false;
        parts.push(`stop ${active.id} failed: ${errorText(e)}`);
      }
    }
    try {
      await setChaos({ level: 'calm' });
      parts.push('farm set to calm');
    } catch (e) {
      ok = false;
      parts.push(`setting the farm calm failed: ${errorText(e)}`);
    }
    setOutcome({ ok, text: parts.join('; ') });
    setBusy(false);
    runs.refresh();
    farm.refresh();
  };

  return (
    <div className="chaos-bar" data-testid="chaos-bar">
      <div className="chaos-chips" aria-label="chaos level per service">
        {levels.map((s) => (
          <span key={s.id} className="chaos-chip" title={s.expiresAt ? `${s.id}: ${s.level} until ${s.expiresAt}` : `${s.id}: ${s.level}`}>
            <span className="chaos-chip-name">{s.short}</span>
            <span className={`badge level-${s.level}`} data-testid={`chaos-level-${s.id}`}>
              {s.level}
            </span>
          </span>
        ))}
        {!farm.data && !farm.error && <span className="muted">farm…</span>}
      </div>
      <ErrorNote error={farm.error} testId="chaos-bar-farm-error" />
      <div
        className="chaos-active-run"
        data-testid="active-run"
        aria-live="polite"
        title={active ? `${active.id} (${active.scenario})${active.phase ? ` phase ${active.phase}` : ''}` : undefined}
      >
        {active ? (
          <>
            <span className="badge state-running">running</span> <code>{active.id}</code>
            {!active.id.startsWith(active.scenario) && <> {active.scenario}</>}
            {active.phase && <> · phase {active.phase}</>}
            {active.chaos && <> · chaos {active.chaos}</>}
          </>
        ) : (
          <span className="muted">no run in progress</span>
        )}
      </div>
      <div className="chaos-halt">
        <label className="chaos-halt-reason">
          <span className="visually-hidden">halt reason</span>
          <input
            type="text"
            data-testid="halt-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="why halt? (optional)"
            aria-label="halt reason"
            size={22}
          />
        </label>
        <button
          type="button"
          className="btn btn-danger halt-button"
          data-testid="halt-button"
          disabled={(!active && !stormy) || busy}
          onClick={halt}
          title={active ? `stop ${active.id} and set the farm calm` : stormy ? 'set every farm service back to calm' : 'no run in progress and the farm is calm'}
        >
          {busy ? 'Halting…' : 'HALT'}
        </button>
      </div>
      {outcome && (
        <p className={outcome.ok ? 'ok-note' : 'error-note'} role={outcome.ok ? 'status' : 'alert'} data-testid="halt-result">
          {outcome.text}
        </p>
      )}
    </div>
  );
}
