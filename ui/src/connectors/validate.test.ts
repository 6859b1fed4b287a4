import { describe, expect, it, test } from 'vitest';
import { EMPTY_FORM, formFieldOf, validateConnector, type ConnectorFormState } from './validate';

const good: ConnectorFormState = {
  ...EMPTY_FORM,
  id: 'my_stripe',
  flavor: 'stripe',
  base_url: 'http://127.0.0.1:8001/api/stripe',
  service: 'stripe_mock',
  key: 'sk_test_x',
};

describe('validateConnector', () => {
  it('builds the body the server takes, leaving empty limits to the defaults', () => {
    expect(validateConnector(good, ['stripe_mock'])).toEqual({
      ok: true,
      body: {
        id: 'my_stripe',
        base_url: 'http://127.0.0.1:8001/api/stripe',
        flavor: 'stripe',
        service: 'stripe_mock',
        auth: { type: 'api_key', header: 'Authorization', prefix: 'Bearer ', key: 'sk_test_x' },
      },
    });
  });

  it('sends oauth2 with client credentials and the limits given', () => {
    const r = validateConnector(
      { ...good, auth_type: 'oauth2', token_url: 'http://h/token', client_id: 'c', client_secret: 's', initial_rps: '20', max_rps: '100', burst: '10' },
      [],
    );
    expect(r.ok && r.body.auth).toEqual({ type: 'oauth2', token_url: 'http://h/token', grant: 'client_credentials', client_id: 'c', client_secret: 's' });
    expect(r.ok && r.body.limit).toEqual({ initial_rps: 20, max_rps: 100, burst: 10 });
  });

  it('names every wrong field like the server would', () => {
    const r = validateConnector(
      { ...EMPTY_FORM, id: 'Bad Id', flavor: 'soap', base_url: 'notaurl', header: ' ', key: '', burst: '0.5', initial_rps: 'x', max_rps: '0.5' },
      [],
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['base_url', 'burst', 'flavor', 'header', 'id', 'initial_rps', 'key', 'max_rps']);
  });

  it('refuses an id in use, a start rate above the maximum and an ftp token url', () => {
    const r = validateConnector({ ...good, id: 'stripe_mock', initial_rps: '500', max_rps: '100' }, ['stripe_mock']);
    expect(!r.ok && r.errors.id).toContain('exists');
    expect(!r.ok && r.errors.initial_rps).toContain('100');
    const o = validateConnector({ ...good, auth_type: 'oauth2', token_url: 'ftp://h/t', client_id: 'c', client_secret: '' }, []);
    expect(!o.ok && Object.keys(o.errors).sort()).toEqual(['client_secret', 'token_url']);
  });

  it('refuses a start rate under the adaptive floor of 1 rps (the server would)', () => {
    const r = validateConnector({ ...good, initial_rps: '0.5' }, []);
    expect(!r.ok && r.errors.initial_rps).toContain('at least 1');
  });

  it('needs nothing more for auth none', () => {
    const r = validateConnector({ ...good, auth_type: 'none', key: '' }, []);
    expect(r.ok && r.body.auth).toEqual({ type: 'none' });
  });
});

describe('formFieldOf', () => {
  it('maps the server error field to the form field', () => {
    expect(formFieldOf('auth.token_url')).toBe('token_url');
    expect(formFieldOf('limit.initial_rps')).toBe('initial_rps');
    expect(formFieldOf('base_url')).toBe('base_url');
    expect(formFieldOf('auth.type')).toBe('auth_type');
    expect(formFieldOf('limit.min_rps')).toBeNull();
    expect(formFieldOf(null)).toBeNull();
  });
});

describe('the farm service', () => {
  const ok = { ...EMPTY_FORM, id: 'my_stripe', flavor: 'stripe', base_url: 'http://127.0.0.1:8001/api/stripe', key: 'k' };
  test('a farm service the farm does not have is refused, naming the field and what the farm has', () => {
    const r = validateConnector({ ...ok, service: 'stripe_mok' }, [], ['stripe_mock', 'github_mock']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.service).toBe('not a farm service; one of stripe_mock, github_mock');
  });
  test('a known one, none at all, or an unknown farm are accepted (the server checks again)', () => {
    expect(validateConnector({ ...ok, service: 'stripe_mock' }, [], ['stripe_mock']).ok).toBe(true);
    expect(validateConnector(ok, [], ['stripe_mock']).ok).toBe(true);
    expect(validateConnector({ ...ok, service: 'anything' }, [], null).ok).toBe(true);
  });
});
