/** The run history (kept by the server across restarts), a run's detail and a side-by-side comparison of two runs. */
import { useState } from 'react';
import { listRuns } from '../api/aam';
import { ErrorNote } from '../api/ErrorNote';
import { num, PagesTable } from '../api/PagesTable';
import { formatInstant, formatSeconds } from '../api/units';
import { usePoll } from '../api/usePoll';
import '../api/pages.css';
import { RunCompare } from './RunCompare';
import { RunDetailView } from './RunDetailView';
import { runDurationSeconds, runVerdict, sortRunsNewestFirst, toggleCompare } from './runList';
import { StateBadge } from './StateBadge';
import './runs.css';

/** The Runs tab; `selectedId` is the run shown in detail (kept in the URL by the app). */
export function RunsPage(props: { selectedId: string | null; onSelect(id: string | null): void }) {
  const poll = usePoll(listRuns, 2000, 'runs');
  const [ticked, setTicked] = useState<string[]>([]);
  const [comparing, setComparing] = useState<[string, string] | null>(null);
  const runs = sortRunsNewestFirst(poll.data ?? []);
  const now = Date.now();
  return (
    <div className="runs-page pages-page" data-testid="runs-page">
      <section className="panel">
        <h2>Runs</h2>
        <ErrorNote error={poll.error} testId="runs-error" />
        {poll.data && runs.length === 0 && <p className="muted">No runs yet: start a scenario from the chaos panel on the Live tab, or a workflow from the Workflows tab.</p>}
        {runs.length > 0 && (
          <PagesTable label="run history" columns={['compare', 'run', 'scenario', 'state', 'started', num('duration'), 'verdict']}>
            {runs.map((r) => {
              const verdict = runVerdict(r);
              const selected = r.id === props.selectedId;
              return (
                <tr
                  key={r.id}
                  data-testid={`run-row-${r.id}`}
                  className={selected ? 'selected' : undefined}
                >
                  <td>
                    <label>
                      <input
                        type="checkbox"
                        data-testid={`run-compare-${r.id}`}
                        checked={ticked.includes(r.id)}
                        onChange={() => setTicked((t) => toggleCompare(t, r.id))}
                      />
                      <span className="visually-hidden">compare {r.id}</span>
                    </label>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      aria-pressed={selected}
                      onClick={() => props.onSelect(selected ? null : r.id)}
                    >
                      {r.id}
                    </button>
                  </td>
                  <td>{r.scenario}</td>
                  <td>
                    <StateBadge state={r.state} />
                  </td>
                  <td>{formatInstant(r.started)}</td>
                  <td className="num">{formatSeconds(runDurationSeconds(r, now))}</td>
                  <td>
                    {verdict === null ? (
                      <span className="muted">—</span>
                    ) : verdict ? (
                      <span className="pass-mark">✓ passed</span>
                    ) : (
                      <span className="fail-mark">✗ failed</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </PagesTable>
        )}
        <div className="runs-table-actions">
          <button
            type="button"
            className="btn btn-primary"
            data-testid="run-compare-button"
            disabled={ticked.length !== 2}
            onClick={() => setComparing([ticked[0], ticked[1]])}
          >
            Compare the two ticked runs
          </button>
          <span className="muted">{ticked.length === 2 ? `${ticked[0]} ↔ ${ticked[1]}` : `tick two runs (${ticked.length}/2)`}</span>
        </div>
      </section>
      {comparing && <RunCompare a={comparing[0]} b={comparing[1]} onClose={() => setComparing(null)} />}
      {props.selectedId && <RunDetailView key={props.selectedId} id={props.selectedId} onClose={() => props.onSelect(null)} />}
    </div>
  );
}
