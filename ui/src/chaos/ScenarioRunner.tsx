/** "Run scenario": a scenario, optional duration, seed and naive comparison → `POST /api/scenarios/run`. */
import { useState, type FormEvent } from 'react';
import { listScenarios, runScenario } from '../api/aam';
import { ErrorNote } from '../api/ErrorNote';
import type { RunAccepted } from '../api/types';
import { usePoll } from '../api/usePoll';
import { explainRunConflict, fieldOfRunFailure, useAction } from '../api/useAction';
import { scenarioRequest, type ScenarioForm } from './forms';

/** The scenario form; a 409 (another run is running) and 400 field errors are shown next to the fields. */
export function ScenarioRunner() {
  const scenarios = usePoll(listScenarios, 0, 'scenarios');
  const [form, setForm] = useState<ScenarioForm>({ scenario: '', duration: '30s', seed: '', compare: false });
  const action = useAction<RunAccepted>({ explain: explainRunConflict, fieldOf: fieldOfRunFailure });
  const { busy, fieldErrors: errors, error: serverError, result: started } = action;
  const list = scenarios.data ?? [];
  const chosen = form.scenario || list[0]?.name || '';
  const description = list.find((s) => s.name === chosen)?.description;

  const run = (ev: FormEvent) => {
    ev.preventDefault();
    const r = scenarioRequest({ ...form, scenario: chosen });
    if (!r.ok) return action.invalid(r.errors);
    void action.run(() => runScenario(r.request));
  };

  const fe = (k: string) =>
    errors[k] ? (
      <span className="field-error" id={`scenario-${k}-error`}>
        {errors[k]}
      </span>
    ) : null;
  const described = (k: string) => (errors[k] ? `scenario-${k}-error` : undefined);

  return (
    <form className="panel pages-grid" onSubmit={run} aria-label="run scenario" noValidate>
      <h2>Run scenario</h2>
      <ErrorNote error={scenarios.error} />
      <label className="pages-field">
        <span>scenario</span>
        <select
          data-testid="scenario-select"
          value={chosen}
          onChange={(e) => setForm((f) => ({ ...f, scenario: e.target.value }))}
          aria-invalid={!!errors.scenario}
          aria-describedby={described('scenario') ?? 'scenario-description'}
        >
          {list.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </select>
        {fe('scenario')}
      </label>
      <p className="muted scenario-description" id="scenario-description" data-testid="scenario-description">
        {description ?? ''}
      </p>
      <div className="pages-row">
        <label className="pages-field">
          <span>duration (e.g. 30s, 2m; empty = the scenario's)</span>
          <input
            type="text"
            data-testid="scenario-duration"
            value={form.duration}
            onChange={(e) => setForm((f) => ({ ...f, duration: e.target.value }))}
            aria-invalid={!!errors.duration}
            aria-describedby={described('duration')}
          />
          {fe('duration')}
        </label>
        <label className="pages-field">
          <span>seed (optional)</span>
          <input
            type="text"
            inputMode="numeric"
            data-testid="scenario-seed"
            value={form.seed}
            onChange={(e) => setForm((f) => ({ ...f, seed: e.target.value }))}
            aria-invalid={!!errors.seed}
            aria-describedby={described('seed')}
          />
          {fe('seed')}
        </label>
        <label className="pages-field chaos-compare">
          <span>compare</span>
          <span>
            <input
              type="checkbox"
              data-testid="scenario-compare"
              checked={form.compare}
              onChange={(e) => setForm((f) => ({ ...f, compare: e.target.checked }))}
            />{' '}
            with the naive client
          </span>
          {fe('compare')}
        </label>
        <button type="submit" className="btn btn-primary" data-testid="scenario-run" disabled={busy || !chosen}>
          {busy ? 'Starting…' : 'Run'}
        </button>
      </div>
      <ErrorNote error={serverError} testId="scenario-error" />
      {started && (
        <p className="ok-note" role="status" data-testid="scenario-result">
          Started <a href={`#/runs/${encodeURIComponent(started.id)}`}>{started.id}</a> ({started.state}) — follow it live or in Runs.
        </p>
      )}
    </form>
  );
}
