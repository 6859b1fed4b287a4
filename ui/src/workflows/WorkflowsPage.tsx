/** The Workflows tab: one workflow on one connector at a chosen rate (the seed's scenario 1), followed live. */
import { useState, type FormEvent } from 'react';
import { listConnectors, listWorkflows, runWorkflow } from '../api/aam';
import { ErrorNote } from '../api/ErrorNote';
import { getFarmStatus } from '../api/farm';
import { usePoll } from '../api/usePoll';
import { explainRunConflict, fieldOfRunFailure, useAction } from '../api/useAction';
import '../api/pages.css';
import { workflowRequest, type WorkflowForm } from './form';
import { WorkflowRunStatus } from './WorkflowRunStatus';
import './workflows.css';

/** Pick a connector, a workflow and parameters; run it and watch it. */
export function WorkflowsPage() {
  const connectors = usePoll(listConnectors, 0, 'connectors');
  const workflows = usePoll(listWorkflows, 0, 'workflows');
  const farm = usePoll(getFarmStatus, 0, 'farm-levels');
  const [form, setForm] = useState<WorkflowForm>({ connector: '', workflow: '', rate: '10', duration: '30s', chaos: '', seed: '' });
  // The last run stays on screen while the next one is checked and started.
  const action = useAction<string>({ keepResult: true, explain: explainRunConflict, fieldOf: fieldOfRunFailure });
  const { busy, fieldErrors: errors, error: serverError, result: runId } = action;

  const wfs = workflows.data ?? [];
  const cs = connectors.data ?? [];
  const levels = farm.data?.chaos.levels ?? ['calm', 'mild', 'storm', 'hell'];
  const connector = form.connector || cs[0]?.id || '';
  const workflow = form.workflow || wfs[0]?.name || '';

  const run = (ev: FormEvent) => {
    ev.preventDefault();
    const r = workflowRequest({ ...form, connector, workflow });
    if (!r.ok) return action.invalid(r.errors);
    void action.run(async () => (await runWorkflow(r.request)).id);
  };

  const set = (k: keyof WorkflowForm) => (ev: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: ev.target.value }));
  const fe = (k: string) =>
    errors[k] ? (
      <span className="field-error" id={`wf-${k}-error`}>
        {errors[k]}
      </span>
    ) : null;
  const aria = (k: string) => ({ 'aria-invalid': !!errors[k], 'aria-describedby': errors[k] ? `wf-${k}-error` : undefined });

  return (
    <div className="workflows-page pages-page" data-testid="workflows-page">
      <form className="panel pages-grid" onSubmit={run} aria-label="run a workflow" noValidate>
        <h2>Run a workflow</h2>
        <ErrorNote error={connectors.error} />
        <ErrorNote error={workflows.error} />
        <div className="pages-row">
          <label className="pages-field">
            <span>connector</span>
            <select data-testid="workflow-connector" value={connector} onChange={set('connector')} {...aria('connectors')}>
              {cs.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.id} ({c.flavor})
                </option>
              ))}
            </select>
            {fe('connectors')}
          </label>
          <label className="pages-field">
            <span>workflow</span>
            <select data-testid="workflow-select" value={workflow} onChange={set('workflow')} {...aria('workflow')}>
              {wfs.map((w) => (
                <option key={w.name} value={w.name}>
                  {w.name}
                </option>
              ))}
            </select>
            {fe('workflow')}
          </label>
        </div>
        <dl className="workflow-descriptions" data-testid="workflow-descriptions">
          {wfs.map((w) => (
            <div key={w.name} className={w.name === workflow ? 'chosen' : undefined}>
              <dt>{w.name}</dt>
              <dd>{w.description}</dd>
            </div>
          ))}
        </dl>
        <div className="pages-row">
          <label className="pages-field">
            <span>rate (ops/s)</span>
            <input type="text" inputMode="decimal" data-testid="workflow-rate" value={form.rate} onChange={set('rate')} size={8} {...aria('rate')} />
            {fe('rate')}
          </label>
          <label className="pages-field">
            <span>duration (30s, 2m)</span>
            <input type="text" data-testid="workflow-duration" value={form.duration} onChange={set('duration')} size={8} {...aria('duration')} />
            {fe('duration')}
          </label>
          <label className="pages-field">
            <span>chaos (optional)</span>
            <select data-testid="workflow-chaos" value={form.chaos} onChange={set('chaos')} {...aria('chaos')}>
              <option value="">leave as is</option>
              {levels.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
            {fe('chaos')}
          </label>
          <label className="pages-field">
            <span>seed (optional)</span>
            <input type="text" inputMode="numeric" data-testid="workflow-seed" value={form.seed} onChange={set('seed')} size={8} {...aria('seed')} />
            {fe('seed')}
          </label>
          <button type="submit" className="btn btn-primary" data-testid="workflow-run" disabled={busy}>
            {busy ? 'Starting…' : 'Run'}
          </button>
        </div>
        <ErrorNote error={serverError} testId="workflow-error" />
      </form>
      {runId && <WorkflowRunStatus key={runId} id={runId} />}
    </div>
  );
}
