/** The "New connector" form: client-side validation (the server's rules, said before the round trip) and its body. */
import type { NewConnector } from '../api/types';

/**
 * Flavors the AAM knows for certain: its built-in vendors (Vendors.names(); server test UiListsTest checks this), until
 * `GET /vendors` has answered with those plug-in jars add; `rest` is a plain REST upstream.
 */
export const FLAVORS = ['rest', 'salesforce', 'stripe', 'github', 'supabase', 'mongodb', 'datadog'] as const;

/** Auth types the form offers. */
export const AUTH_TYPES = ['api_key', 'oauth2', 'none'] as const;

/** Everything the form holds, as typed (strings), keyed like the server's field names. */
export interface ConnectorFormState {
  id: string;
  flavor: string;
  base_url: string;
  service: string;
  auth_type: string;
  header: string;
  prefix: string;
  key: string;
  token_url: string;
  client_id: string;
  client_secret: string;
  initial_rps: string;
  max_rps: string;
  burst: string;
}

/** A blank form with the usual API-key header. */
export const EMPTY_FORM: ConnectorFormState = {
  id: '',
  flavor: 'rest',
  base_url: '',
  service: '',
  auth_type: 'api_key',
  header: 'Authorization',
  prefix: 'Bearer ',
  key: '',
  token_url: '',
  client_id: '',
  client_secret: '',
  initial_rps: '',
  max_rps: '',
  burst: '',
};

/** The mesh's default floor of the adaptive rate (LimitConfig.DEFAULT min_rps): max_rps below it is refused. */
const MIN_RPS = 1;

const ID = /^[a-z][a-z0-9_]*$/;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '';
  } catch {
    return false;
  }
}

/**
 * Maps a server error field to the form's field: `auth.token_url` → `token_url`, `limit.burst` → `burst`;
 * fields the form does not have (e.g. `limit.min_rps`) map to null (shown under the form).
 */
export function formFieldOf(serverField: string | null): keyof ConnectorFormState | null {
  if (!serverField) return null;
  const f = serverField.replace(/^(auth|limit)\./, '');
  if (f === 'auth' || f === 'type') return 'auth_type';
  return f in EMPTY_FORM ? (f as keyof ConnectorFormState) : null;
}

/**
 * Validates the form; `existing` are the ids in use, `farmServices` the farm's services (null: unknown, not checked).
 * Returns the body to POST, or a message per wrong field.
 */
export function validateConnector(
  f: ConnectorFormState,
  existing: string[],
  farmServices: readonly string[] | null = null,
  flavors: readonly string[] = FLAVORS,
): { ok: true; body: NewConnector } | { ok: false; errors: Partial<Record<keyof ConnectorFormState, string>> } {
  const e: Partial<Record<keyof ConnectorFormState, string>> = {};
  const id = f.id.trim();
  if (!id) e.id = 'required';
  else if (!ID.test(id)) e.id = "lower-case letters, digits and '_', starting with a letter";
  else if (existing.includes(id)) e.id = `a connector '${id}' exists already`;
  if (!flavors.includes(f.flavor)) e.flavor = `one of ${flavors.join(', ')}`;
  const base = f.base_url.trim();
  if (!base) e.base_url = 'required';
  else if (!isHttpUrl(base)) e.base_url = 'an http(s) URL, e.g. http://127.0.0.1:8001/api/stripe';

  const service = f.service.trim();
  if (service && farmServices && farmServices.length > 0 && !farmServices.includes(service)) {
    e.service = `not a farm service; one of ${farmServices.join(', ')}`;
  }

  let auth: NewConnector['auth'] = { type: 'none' };
  if (f.auth_type === 'api_key') {
    if (!f.header.trim()) e.header = 'required (e.g. Authorization)';
    if (!f.key) e.key = 'required';
    auth = { type: 'api_key', header: f.header.trim(), prefix: f.prefix, key: f.key };
  } else if (f.auth_type === 'oauth2') {
    if (!f.token_url.trim()) e.token_url = 'required';
    else if (!isHttpUrl(f.token_url.trim())) e.token_url = 'an http(s) URL';
    if (!f.client_id.trim()) e.client_id = 'required';
    if (!f.client_secret) e.client_secret = 'required';
    auth = { type: 'oauth2', token_url: f.token_url.trim(), grant: 'client_credentials', client_id: f.client_id.trim(), client_secret: f.client_secret };
  } else if (f.auth_type !== 'none') {
    e.auth_type = `one of ${AUTH_TYPES.join(', ')}`;
  }

  const num = (k: 'initial_rps' | 'max_rps' | 'burst', whole: boolean): number | undefined => {
    const t = f[k].trim();
    if (t === '') return undefined;
    const n = Number(t);
    if (!Number.isFinite(n) || n <= 0) {
      e[k] = 'a number > 0 (empty: the default)';
      return undefined;
    }
    if (whole && !Number.isInteger(n)) {
      e[k] = 'a whole number ≥ 1';
      return undefined;
    }
    return n;
  };
  const initial = num('initial_rps', false);
  const max = num('max_rps', false);
  const burst = num('burst', true);
  if (max !== undefined && max < MIN_RPS && !e.max_rps) e.max_rps = `at least ${MIN_RPS} (the adaptive floor)`;
  if (initial !== undefined && initial < MIN_RPS && !e.initial_rps) e.initial_rps = `at least ${MIN_RPS} (the adaptive floor)`;
  if (initial !== undefined && max !== undefined && initial > max && !e.initial_rps) e.initial_rps = `at most max rps (${max})`;

  if (Object.keys(e).length > 0) return { ok: false, errors: e };
  const body: NewConnector = { id, base_url: base, flavor: f.flavor, auth };
  if (f.service.trim()) body.service = f.service.trim();
  const limit: NonNullable<NewConnector['limit']> = {};
  if (initial !== undefined) limit.initial_rps = initial;
  if (max !== undefined) limit.max_rps = max;
  if (burst !== undefined) limit.burst = burst;
  if (Object.keys(limit).length > 0) body.limit = limit;
  return { ok: true, body };
}
