/** The "New connector" form: validated as typed, the server's 400 shown next to the field it names. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { createConnector } from '../api/aam';
import { ApiError } from '../api/http';
import { errorText } from '../api/ErrorNote';
import { useAction } from '../api/useAction';
import { AUTH_TYPES, EMPTY_FORM, FLAVORS, formFieldOf, validateConnector, type ConnectorFormState } from './validate';

type Field = keyof ConnectorFormState;

// A 409 names no field but is about the id.
const serverFieldOf = (e: unknown): Field | null => (e instanceof ApiError ? (e.status === 409 ? 'id' : formFieldOf(e.field)) : null);

/** Creates a connector with `POST /api/connectors`; `existing` are the ids in use, `onCreated` gets the new id. */
/** @param flavors the AAM's vendors (`GET /vendors`); the built-ins until it has answered */
export function ConnectorForm(props: {
  existing: string[];
  farmServices?: readonly string[] | null;
  flavors?: readonly string[] | null;
  onCreated(id: string): void;
}) {
  const flavors = props.flavors ?? FLAVORS;
  const [form, setForm] = useState<ConnectorFormState>(EMPTY_FORM);
  const action = useAction<string, Field>({ fieldOf: serverFieldOf });
  const { busy, errors, setErrors, result: created } = action;
  const server = action.error === null ? null : { field: action.errorField, text: errorText(action.error) };

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const r = validateConnector(form, props.existing, props.farmServices ?? null, flavors);
    if (!r.ok) return action.invalid(r.errors);
    void action.run(async () => {
      const c = await createConnector(r.body);
      setForm(EMPTY_FORM);
      props.onCreated(c.id);
      return c.id;
    });
  };

  const set = (k: Field) => (ev: { target: { value: string } }) => {
    const v = ev.target.value;
    setForm((f) => ({ ...f, [k]: v }));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const messages = (k: Field): ReactNode => (
    <>
      {errors[k] && (
        <span className="field-error" id={`cf-${k}-invalid`} data-testid={`connector-form-invalid-${k}`}>
          {errors[k]}
        </span>
      )}
      {server?.field === k && (
        <span className="field-error" id={`cf-${k}-server`} role="alert" data-testid="connector-form-error">
          {server.text}
        </span>
      )}
    </>
  );
  const describedBy = (k: Field) =>
    [errors[k] ? `cf-${k}-invalid` : '', server?.field === k ? `cf-${k}-server` : ''].filter(Boolean).join(' ') || undefined;

  const input = (k: Field, label: string, opts: { type?: string; placeholder?: string; inputMode?: 'decimal' | 'numeric' } = {}) => (
    <label className="pages-field">
      <span>{label}</span>
      <input
        type={opts.type ?? 'text'}
        inputMode={opts.inputMode}
        placeholder={opts.placeholder}
        autoComplete={opts.type === 'password' ? 'new-password' : 'off'}
        data-testid={`connector-form-${k}`}
        value={form[k]}
        onChange={set(k)}
        aria-invalid={!!errors[k] || server?.field === k}
        aria-describedby={describedBy(k)}
      />
      {messages(k)}
    </label>
  );

  const select = (k: Field, label: string, options: readonly string[]) => (
    <label className="pages-field">
      <span>{label}</span>
      <select data-testid={`connector-form-${k}`} value={form[k]} onChange={set(k)} aria-invalid={!!errors[k]} aria-describedby={describedBy(k)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {messages(k)}
    </label>
  );

  return (
    <form className="panel pages-grid connector-form" data-testid="connector-form" onSubmit={submit} aria-label="new connector" noValidate>
      <h3>New connector</h3>
      <div className="connector-form-grid">
        {input('id', 'id', { placeholder: 'my_stripe' })}
        {select('flavor', 'flavor', flavors)}
        {input('base_url', 'base URL', { placeholder: 'http://127.0.0.1:8001/api/stripe' })}
        {input('service', 'farm service (optional, default: the id)', { placeholder: 'stripe_mock' })}
      </div>
      <fieldset>
        <legend>auth</legend>
        <div className="connector-form-grid">
          {select('auth_type', 'type', AUTH_TYPES)}
          {form.auth_type === 'api_key' && (
            <>
              {input('header', 'header')}
              {input('prefix', 'prefix (e.g. "Bearer ")')}
              {input('key', 'key', { type: 'password' })}
            </>
          )}
          {form.auth_type === 'oauth2' && (
            <>
              {input('token_url', 'token URL')}
              {input('client_id', 'client id')}
              {input('client_secret', 'client secret', { type: 'password' })}
            </>
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>rate limit (empty: the mesh's defaults)</legend>
        <div className="connector-form-grid">
          {input('initial_rps', 'initial rps', { inputMode: 'decimal', placeholder: '50' })}
          {input('max_rps', 'max rps', { inputMode: 'decimal', placeholder: '1000' })}
          {input('burst', 'burst', { inputMode: 'numeric', placeholder: '50' })}
        </div>
      </fieldset>
      {server && server.field === null && (
        <p className="error-note" role="alert" data-testid="connector-form-error">
          {server.text}
        </p>
      )}
      <div className="pages-row">
        <button type="submit" className="btn btn-primary" data-testid="connector-form-submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create connector'}
        </button>
        {created && (
          <span className="ok-note" role="status" data-testid="connector-form-created">
            Created {created}.
          </span>
        )}
      </div>
    </form>
  );
}
