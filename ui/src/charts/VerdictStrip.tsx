/** The run's verdict as a strip: each threshold passing or failing now (live) or at the end (replayed). */
import type { ThresholdResult } from '../api/types';
import { thresholdView } from '../runs/thresholds';

/** One chip per threshold: ✓ passing, ✗ failing, … not measured yet (lost and duplicates wait for the checker). */
export function VerdictStrip(props: { thresholds: ThresholdResult[]; live: boolean }) {
  return (
    <ul className="verdict-strip" data-testid="verdict-strip" aria-label={props.live ? 'thresholds on the run so far' : 'thresholds of the run'}>
      <li className="muted">{props.live ? 'verdict so far' : 'verdict'}</li>
      {props.thresholds.map((t) => {
        const v = thresholdView(t);
        const measured = t.value !== null && t.value !== undefined && Number.isFinite(t.value);
        // Live, a metric the checker measures after the run (lost, duplicates) is not failing yet: it is unknown.
        const state = !measured && props.live ? 'pending' : t.pass ? 'pass' : 'fail';
        return (
          <li key={t.expr} className={`verdict-chip verdict-${state}`} data-state={state} title={t.expr}>
            {state === 'pending' ? '…' : v.mark} {v.metric} {v.condition}: {measured ? v.value : state === 'pending' ? 'after the run' : v.value}
          </li>
        );
      })}
    </ul>
  );
}
