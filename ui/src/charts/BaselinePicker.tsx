/** Picks an earlier run whose seconds are drawn as faint lines on the charts (its report's per-second series). */
import { useId, useState } from 'react';
import { getRun, listRuns } from '../api/aam';
import { usePoll } from '../api/usePoll';
import { runAsBaseline, type BaselineSeries } from './overlay';

/** A select of the finished runs (but `exclude`); choosing one loads its report and hands its series to `onPick`. */
export function BaselinePicker(props: { exclude: string | null; onPick(b: BaselineSeries | null): void }) {
  const uid = useId();
  const runs = usePoll(listRuns, 10_000, 'baseline-runs');
  const [picked, setPicked] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const choices = (runs.data ?? []).filter((r) => r.id !== props.exclude && r.state !== 'running');
  if (choices.length === 0) return null;
  const pick = (id: string) => {
    setPicked(id);
    setNote(null);
    if (!id) {
      props.onPick(null);
      return;
    }
    getRun(id)
      .then((d) => {
        const b = runAsBaseline(id, d.report);
        if (!b) setNote('that run has no per-second series');
        props.onPick(b);
      })
      .catch((e: Error) => {
        setNote(e.message);
        props.onPick(null);
      });
  };
  return (
    <>
      <label htmlFor={`${uid}-baseline`}>Compare with</label>
      <select id={`${uid}-baseline`} data-testid="charts-baseline-run" value={picked} onChange={(e) => pick(e.target.value)}>
        <option value="">no earlier run</option>
        {choices.map((r) => (
          <option key={r.id} value={r.id}>
            {r.id} ({r.state})
          </option>
        ))}
      </select>
      {note && <span className="muted">{note}</span>}
    </>
  );
}
