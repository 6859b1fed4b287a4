/** A form's submit: client-side field errors, then one async call to the server with busy, failure and result. */
import { useState } from 'react';
import { ApiError } from './http';

/** How a form's action treats its result and its failures. */
export interface ActionOptions<F extends string> {
  /** Keep the last result while a new submit is checked or runs (default: clear it on every submit). */
  keepResult?: boolean;
  /** What to show for a failure (e.g. a clearer text for a 409); default: the failure itself. */
  explain?(error: unknown): unknown;
  /** The form field a failure is about, or null; default: the field an {@link ApiError} names. */
  fieldOf?(error: unknown): F | null;
}

/** The state of a form's action and the two ways a submit ends: invalid, or run. */
export interface Action<R, F extends string> {
  busy: boolean;
  /** The last result; null before the first success (and during a submit, unless `keepResult`). */
  result: R | null;
  /** The last failure as shown (after `explain`); null when the last submit did not fail. */
  error: unknown;
  /** The field the last failure is about, or null. */
  errorField: F | null;
  /** The client-side errors of the last submit, by field. */
  errors: Partial<Record<F, string>>;
  /** `errors` plus the failure's message on the field it is about. */
  fieldErrors: Partial<Record<F, string>>;
  setErrors(update: (errors: Partial<Record<F, string>>) => Partial<Record<F, string>>): void;
  /** The submit did not pass the client-side checks: show these errors, call nothing. */
  invalid(errors: Partial<Record<F, string>>): void;
  /** Runs the call; its value becomes `result`, a throw becomes `error` (never rethrown). */
  run(call: () => Promise<R>): Promise<void>;
}

const apiField = (e: unknown): string | null => (e instanceof ApiError ? e.field : null);

/** Tracks a form's submit: busy while the call runs, the (explained) failure and its field, the last result. */
export function useAction<R, F extends string = string>(options: ActionOptions<F> = {}): Action<R, F> {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<R | null>(null);
  const [failure, setFailure] = useState<{ error: unknown; field: F | null } | null>(null);
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});

  const reset = () => {
    setFailure(null);
    if (!options.keepResult) setResult(null);
  };

  const invalid = (e: Partial<Record<F, string>>) => {
    reset();
    setErrors(e);
  };

  const run = async (call: () => Promise<R>) => {
    reset();
    setErrors({});
    setBusy(true);
    try {
      setResult(await call());
    } catch (e) {
      const field = options.fieldOf ? options.fieldOf(e) : (apiField(e) as F | null);
      setFailure({ error: options.explain ? options.explain(e) : e, field });
    } finally {
      setBusy(false);
    }
  };

  const error = failure?.error ?? null;
  const errorField = failure?.field ?? null;
  const fieldErrors =
    errorField !== null && error instanceof Error ? { ...errors, [errorField]: error.message } : errors;
  return { busy, result, error, errorField, errors, fieldErrors, setErrors, invalid, run };
}

/** Explains a 409 of a run request: another run is running; other failures are shown as they are. */
export function explainRunConflict(e: unknown): unknown {
  return e instanceof ApiError && e.status === 409
    ? new ApiError(409, e.error, e.field, `another run is running — halt it or wait for it (${e.message})`)
    : e;
}

/** The field of a failure, except a 409 (a conflict with another run is about no field). */
export function fieldOfRunFailure(e: unknown): string | null {
  return e instanceof ApiError && e.status !== 409 ? e.field : null;
}
