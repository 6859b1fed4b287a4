/** The chaos dial form: services (or all), level, optional duration → `POST /farm/admin/chaos`. */
import { useEffect, useState, type FormEvent } from 'react';
import { ErrorNote } from '../api/ErrorNote';
import { setChaos } from '../api/farm';
import type { FarmStatus } from '../api/types';
import { formatInstant } from '../api/units';
import { useAction } from '../api/useAction';
import { chaosRequest, type ChaosForm } from './forms';
import { serviceLevels } from './levels';

/** Sets the farm's chaos level; `farm` is the latest status (levels, services), `onApplied` refreshes it. */
export function ChaosDial(props: { farm: FarmStatus | null; onApplied(): void }) {
  const levels = props.farm?.chaos.levels ?? ['calm', 'mild', 'storm', 'hell'];
  const services = props.farm ? serviceLevels(props.farm) : [];
  const current = props.farm?.chaos.level ?? 'calm';
  // The dial starts at the level the farm is at now (a quick Apply then changes nothing), and follows it until touched.
  const [form, setForm] = useState<ChaosForm>({ level: current, all: true, services: [], duration: '' });
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!touched) setForm((f) => (f.level === current ? f : { ...f, level: current }));
  }, [current, touched]);
  const action = useAction<string>();
  const { busy, fieldErrors: errors, error: serverError, result: done } = action;

  const toggle = (id: string) =>
    setForm((f) => ({ ...f, services: f.services.includes(id) ? f.services.filter((s) => s !== id) : [...f.services, id] }));

  const apply = (ev: FormEvent) => {
    ev.preventDefault();
    const r = chaosRequest(form, levels);
    if (!r.ok) return action.invalid(r.errors);
    void action.run(async () => {
      await setChaos(r.request);
      const who = r.request.services ? r.request.services.join(', ') : 'every service';
      const done = `${who} → ${r.request.level}${r.request.duration_s ? ` for ${r.request.duration_s} s` : ' until changed'}`;
      props.onApplied();
      return done;
    });
  };

  const fieldError = (k: string) =>
    errors[k] ? (
      <span className="field-error" id={`chaos-${k}-error`}>
        {errors[k]}
      </span>
    ) : null;

  return (
    <form className="panel pages-grid" onSubmit={apply} aria-label="chaos dial" noValidate>
      <h2>Chaos dial</h2>
      <fieldset aria-describedby={errors.services ? 'chaos-services-error' : undefined}>
        <legend>services</legend>
        <div className="chaos-services">
          <label>
            <input
              type="checkbox"
              data-testid="chaos-service-all"
              checked={form.all}
              onChange={(e) => setForm((f) => ({ ...f, all: e.target.checked }))}
            />
            all
          </label>
          {services.map((s) => (
            <label key={s.id}>
              <input
                type="checkbox"
                data-testid={`chaos-service-${s.id}`}
                checked={form.all || form.services.includes(s.id)}
                disabled={form.all}
                onChange={() => toggle(s.id)}
              />
              {s.id} <span className={`badge level-${s.level}`}>{s.level}</span>
            </label>
          ))}
        </div>
        {fieldError('services')}
      </fieldset>
      <div className="pages-row">
        <label className="pages-field">
          <span>level</span>
          <select
            data-testid="chaos-level"
            value={form.level}
            onChange={(e) => {
              setTouched(true);
              setForm((f) => ({ ...f, level: e.target.value }));
            }}
            aria-invalid={!!errors.level}
            aria-describedby={errors.level ? 'chaos-level-error' : undefined}
          >
            {levels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
          {fieldError('level')}
        </label>
        <label className="pages-field">
          <span>duration (s, empty = until changed)</span>
          <input
            type="text"
            inputMode="numeric"
            data-testid="chaos-duration"
            value={form.duration}
            placeholder="until changed"
            onChange={(e) => setForm((f) => ({ ...f, duration: e.target.value }))}
            aria-invalid={!!errors.duration_s}
            aria-describedby={errors.duration_s ? 'chaos-duration_s-error' : undefined}
          />
          {fieldError('duration_s')}
        </label>
        <button type="submit" className="btn btn-primary" data-testid="chaos-apply" disabled={busy}>
          {busy ? 'Applying…' : 'Apply'}
        </button>
      </div>
      <ErrorNote error={serverError} testId="chaos-error" />
      {done && (
        <p className="ok-note" role="status" data-testid="chaos-result">
          Applied: {done}
        </p>
      )}
      {props.farm && props.farm.chaos.history.length > 0 && (
        <details>
          <summary>Recent changes of the dial</summary>
          <ol className="muted">
            {props.farm.chaos.history
              .slice(-10)
              .reverse()
              .map((h, i) => (
                <li key={`${h.at}-${i}`}>
                  {formatInstant(h.at)}: {h.services.length ? h.services.join(', ') : 'all'} → {h.level}
                  {h.duration_s ? ` for ${h.duration_s} s` : ''}
                </li>
              ))}
          </ol>
        </details>
      )}
    </form>
  );
}
