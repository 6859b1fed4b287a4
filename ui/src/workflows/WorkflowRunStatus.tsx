/** A started workflow run followed live (`GET /api/runs/{id}` every second) until its verdict, with a link to Runs. */
import { useEffect, useState } from 'react';
import { getRun } from '../api/aam';
import { ErrorNote } from '../api/ErrorNote';
import { formatCount, formatMs, formatPct } from '../api/units';
import { usePoll } from '../api/usePoll';
import { RunProgress } from '../runs/RunProgress';
import { StateBadge } from '../runs/StateBadge';
import { verdictCounts } from '../runs/thresholds';

/** Live progress, then the verdict, of run `id`. */
export function WorkflowRunStatus(props: { id: string }) {
  const done = (s: string | undefined) => s !== undefined && s !== 'running';
  const [over, setOver] = useState(false);
  // Every second while it runs; once over, one last load (the report) and no more.
  const poll = usePoll((sig) => getRun(props.id, sig), over ? 0 : 1000, props.id);
  const run = poll.data;
  useEffect(() => {
    if (done(run?.state)) setOver(true);
  }, [run?.state]);
  const report = run?.report ?? null;
  return (
    <section className="panel pages-grid" data-testid="workflow-run-status" aria-live="polite">
      <h3>
        Run <a href={`#/runs/${encodeURIComponent(props.id)}`} data-testid="workflow-run-link">{props.id}</a>{' '}
        {run && <StateBadge state={run.state} testId="workflow-run-state" />}
      </h3>
      <ErrorNote error={poll.error} />
      {run?.state === 'running' && run.live && <RunProgress live={run.live} testId="workflow-progress" />}
      {run?.state === 'running' && !run.live && <p className="muted">starting…</p>}
      {run?.error && <ErrorNote error={new Error(`run error: ${run.error}`)} />}
      {done(run?.state) && report && (
        <div data-testid="workflow-verdict">
          <p>
            <strong className={report.passed ? 'pass-mark' : 'fail-mark'}>{report.passed ? '✓ passed' : '✗ failed'}</strong>
            {report.thresholds.length > 0 && (
              <span className="muted">
                {' '}
                ({verdictCounts(report.thresholds).passed} of {report.thresholds.length} thresholds held)
              </span>
            )}
          </p>
          <p>
            {formatCount(report.totals.logical_ops)} operations, {formatPct(report.totals.success_rate)} succeeded,{' '}
            {formatCount(report.totals.dlq_pending)} waiting in the DLQ, {formatCount(report.totals.lost)} lost,{' '}
            {formatCount(report.totals.duplicates)} duplicated · p50 {formatMs(report.latency_ms.p50)}, p99 {formatMs(report.latency_ms.p99)}
          </p>
          <p>
            <a href={`#/runs/${encodeURIComponent(props.id)}`}>See the full report in Runs</a>
          </p>
        </div>
      )}
      {done(run?.state) && !report && (
        <p className="muted" data-testid="workflow-verdict">
          The run ended ({run?.state}) without a report.
        </p>
      )}
    </section>
  );
}
