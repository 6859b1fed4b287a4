import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeServer } from '../api/fakeServer';
import { ConnectorForm } from './ConnectorForm';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const fill = (id: string, value: string) => fireEvent.change(screen.getByTestId(`connector-form-${id}`), { target: { value } });

describe('ConnectorForm', () => {
  it('shows client-side messages next to the fields and sends nothing', async () => {
    const calls = fakeServer({});
    render(<ConnectorForm existing={['stripe_mock']} onCreated={() => {}} />);
    fill('id', 'stripe_mock');
    await act(async () => fireEvent.click(screen.getByTestId('connector-form-submit')));
    expect(screen.getByTestId('connector-form-invalid-id').textContent).toContain('exists');
    expect(screen.getByTestId('connector-form-invalid-base_url').textContent).toBe('required');
    expect(calls).toEqual([]);
  });

  it("shows the server's 400 next to the field it names, and a secret as a password input", async () => {
    fakeServer({
      'POST /api/connectors': { status: 400, body: { error: 'bad_request', field: 'auth.header', message: 'auth.header is required, was missing' } },
    });
    render(<ConnectorForm existing={[]} onCreated={() => {}} />);
    expect(screen.getByTestId('connector-form-key').getAttribute('type')).toBe('password');
    fill('id', 'my_api');
    fill('base_url', 'http://127.0.0.1:8001/api/stripe');
    fill('key', 'sk');
    await act(async () => fireEvent.click(screen.getByTestId('connector-form-submit')));
    const err = await screen.findByTestId('connector-form-error');
    expect(err.textContent).toBe('auth.header: auth.header is required, was missing');
    // Next to the header field: inside the same label.
    expect(err.closest('label')?.contains(screen.getByTestId('connector-form-header'))).toBe(true);
  });

  it("offers a plug-in vendor the AAM reports (GET /vendors) and sends it as the flavor", async () => {
    const calls = fakeServer({ 'POST /api/connectors': { status: 201, body: { id: 'my_acme' } } });
    render(<ConnectorForm existing={[]} flavors={['rest', 'stripe', 'acme']} onCreated={() => {}} />);
    const options = Array.from(screen.getByTestId('connector-form-flavor').querySelectorAll('option')).map((o) => o.value);
    expect(options).toEqual(['rest', 'stripe', 'acme']);
    fill('id', 'my_acme');
    fill('flavor', 'acme');
    fill('base_url', 'http://h/api/acme');
    fill('key', 'k');
    await act(async () => fireEvent.click(screen.getByTestId('connector-form-submit')));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect((calls[0].body as { flavor: string }).flavor).toBe('acme');
  });

  it('posts the connector and reports the new id', async () => {
    const calls = fakeServer({ 'POST /api/connectors': { status: 201, body: { id: 'my_api' } } });
    const created: string[] = [];
    render(<ConnectorForm existing={[]} onCreated={(id) => created.push(id)} />);
    fill('id', 'my_api');
    fill('base_url', 'http://h/api');
    fill('auth_type', 'oauth2');
    fill('token_url', 'http://h/token');
    fill('client_id', 'c');
    fill('client_secret', 's');
    fill('burst', '10');
    await act(async () => fireEvent.click(screen.getByTestId('connector-form-submit')));
    await waitFor(() => expect(created).toEqual(['my_api']));
    expect(calls[0].body).toEqual({
      id: 'my_api',
      base_url: 'http://h/api',
      flavor: 'rest',
      auth: { type: 'oauth2', token_url: 'http://h/token', grant: 'client_credentials', client_id: 'c', client_secret: 's' },
      limit: { burst: 10 },
    });
  });
});
