/** One run in detail: live progress while it runs, then its report, stop reason, baseline and report download. */
import { useEffect, useState } from 'react';
import { getRun, runReportHref } from '../api/aam';
import { ErrorNote } from '../api/ErrorNote';
import { formatInstant, formatSeconds, formatPct } from '../api/units';
import { usePoll } from '../api/usePoll';
import { CompareTable } from './CompareTable';
import { ConnectorFiguresTable, ThresholdTable, TotalsView } from './ReportView';
import { RunProgress } from './RunProgress';
import { RunTimelineView } from './RunTimelineView';
import { reportBaselines, runDurationSeconds } from './runList';
import { StateBadge } from './StateBadge';

/** The detail panel of the run `id` (polled every 2 s while it runs). */
export function RunDetailView(props: { id: string; onClose(): void }) {
  const [over, setOver] = useState(false);
  // Every 2 s while it runs; once over, one last load (the report) and no more.
  const poll = usePoll((s) => getRun(props.id, s), over ? 0 : 2000, props.id);
  const run = poll.data;
  useEffect(() => {
    if (run && run.state !== 'running') setOver(true);
  }, [run]);
  const report = run?.report ?? null;
  const stopReason = run?.stop_reason ?? report?.halted ?? null;
  return (
    <section className="panel run-detail" data-testid="run-detail" aria-label={`run ${props.id}`}>
      <div className="run-detail-head">
        <h3>
          Run <code>{props.id}</code> {run && <StateBadge state={run.state} testId="run-detail-state" />}
        </h3>
        <button type="button" className="btn" onClick={props.onClose}>
          Close
        </button>
      </div>
      <ErrorNote error={poll.error} />
      {!run && !poll.error && <p className="muted">loading…</p>}
      {run && (
        <>
          <p className="muted">
            scenario <strong>{run.scenario}</strong> · started {formatInstant(run.started)} · took{' '}
            {formatSeconds(runDurationSeconds(run, Date.now()))}
            {report && <> · seed {report.seed} · {formatSeconds(report.duration_s)} planned</>}
            {report?.target && <> · through the {report.target}</>}
          </p>
          {stopReason && (
            <p className="run-stop-reason" data-testid="run-stop-reason">
              Stopped: {stopReason}
            </p>
          )}
          {run.error && <ErrorNote error={new Error(`run error: ${run.error}`)} testId="run-error" />}
          {run.state === 'running' && run.live && <RunProgress live={run.live} testId="run-live" />}
          <h4>Timeline</h4>
          <RunTimelineView id={run.id} running={run.state === 'running'} report={report} liveThresholds={run.live?.thresholds ?? null} />
          {report && (
            <>
              <p>
                <a className="btn" href={runReportHref(run.id)} download={`${run.id}-report.html`} data-testid="run-report-link">
                  Download HTML report
                </a>{' '}
                <a href={`/api/runs/${encodeURIComponent(run.id)}/report.json`} download={`${run.id}-report.json`}>
                  report.json
                </a>{' '}
                <a href={`/api/runs/${encodeURIComponent(run.id)}/junit.xml`} download={`${run.id}-junit.xml`}>
                  junit.xml
                </a>
              </p>
              <h4>
                Verdict:{' '}
                <span className={report.passed ? 'pass-mark' : 'fail-mark'} data-testid="run-verdict">
                  {report.passed ? '✓ passed' : '✗ failed'}
                </span>
              </h4>
              <ThresholdTable report={report} />
              <h4>Totals and latency</h4>
              <TotalsView report={report} />
              <h4>Per connector</h4>
              <ConnectorFiguresTable report={report} />
              {reportBaselines(report).length > 0 && (
                <div data-testid="run-baseline">
                  {reportBaselines(report).map(([name, baseline]) => (
                    <div key={name}>
                      <h4>
                        Mesh against the {name} client (success {formatPct(report.totals.success_rate)} vs{' '}
                        {formatPct(baseline.totals.success_rate)})
                      </h4>
                      <CompareTable a={report} b={baseline} labelA="mesh" labelB={name} testId={`run-baseline-${name}`} />
                    </div>
                  ))}
                </div>
              )}
            </>
          )}
          {!report && run.state !== 'running' && <p className="muted">This run has no report.</p>}
        </>
      )}
    </section>
  );
}
