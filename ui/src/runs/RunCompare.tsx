/** Two runs compared side by side: thresholds, totals and latency in two columns with the difference. */
import { getRun } from '../api/aam';
import { ErrorNote } from '../api/ErrorNote';
import { usePoll } from '../api/usePoll';
import { CompareTable } from './CompareTable';

/** Loads runs `a` and `b` and compares their reports (left: a, right: b). */
export function RunCompare(props: { a: string; b: string; onClose(): void }) {
  const pa = usePoll((s) => getRun(props.a, s), 0, props.a);
  const pb = usePoll((s) => getRun(props.b, s), 0, props.b);
  const ra = pa.data?.report;
  const rb = pb.data?.report;
  return (
    <section className="panel" data-testid="run-compare" aria-label="run comparison">
      <div className="run-detail-head">
        <h3>
          Compare <code>{props.a}</code> ({pa.data?.scenario ?? '…'}) with <code>{props.b}</code> ({pb.data?.scenario ?? '…'})
        </h3>
        <button type="button" className="btn" onClick={props.onClose}>
          Close
        </button>
      </div>
      <ErrorNote error={pa.error} />
      <ErrorNote error={pb.error} />
      {pa.data && !ra && <p className="muted">{props.a} has no report yet ({pa.data.state}).</p>}
      {pb.data && !rb && <p className="muted">{props.b} has no report yet ({pb.data.state}).</p>}
      {ra && rb && <CompareTable a={ra} b={rb} labelA={props.a} labelB={props.b} />}
    </section>
  );
}
