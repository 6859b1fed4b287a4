import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeServer } from '../api/fakeServer';
import { DlqPage } from './DlqPage';
import { dlqEntry } from './entry.fixture';

const entry = (id: string, state = 'pending', connector = 'stripe_mock') =>
  dlqEntry(id, { state, connector, parked_at: '2026-12-02T04:05:16.199Z' });
const stats = { pending: 12, replaying: 10, succeeded: 4, dead: 0, discarded: 0, processed: 5, failed: 1, oldest_pending_age_s: 4.7 };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('DlqPage', () => {
  it('shows the counts, sends the filters as query parameters and discards only after the confirm step', async () => {
    const queries: string[] = [];
    const calls = fakeServer({
      'GET /api/dlq': ({ query }) => {
        queries.push(query.toString());
        return { body: { entries: [entry('dlq_a'), entry('dlq_b', 'succeeded')], stats } };
      },
      'GET /api/connectors': { body: { connectors: [{ id: 'stripe_mock', flavor: 'stripe' }] } },
      'DELETE /api/dlq/dlq_a': { body: { discarded: 'dlq_a' } },
    });
    render(<DlqPage />);
    await waitFor(() => expect(screen.getByTestId('dlq-count-pending').textContent).toBe('12'));
    expect(screen.getByTestId('dlq-count-processed').textContent).toBe('5');
    expect(screen.getByTestId('dlq-count-failed').textContent).toBe('1');
    expect(queries[0]).toBe('limit=500');

    await waitFor(() => expect(screen.getByRole('option', { name: 'stripe_mock' })).toBeTruthy());
    fireEvent.change(screen.getByTestId('dlq-filter-connector'), { target: { value: 'stripe_mock' } });
    fireEvent.change(screen.getByTestId('dlq-filter-state'), { target: { value: 'pending' } });
    await waitFor(() => expect(queries.at(-1)).toBe('connector=stripe_mock&state=pending&limit=500'));
    // The server did not filter here: the page does it again, so the succeeded entry is not shown.
    await waitFor(() => expect(screen.queryByTestId('dlq-row-dlq_b')).toBeNull());

    fireEvent.click(screen.getByTestId('dlq-discard-dlq_a'));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await act(async () => fireEvent.click(screen.getByTestId('dlq-discard-confirm-dlq_a')));
    await waitFor(() => expect(screen.getByTestId('dlq-action-result').textContent).toContain('dlq_a: discarded'));
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/api/dlq/dlq_a']);
  });

  it('shows a refused replay with the server message and disables actions on a succeeded entry', async () => {
    fakeServer({
      'GET /api/dlq': { body: { entries: [entry('dlq_a'), entry('dlq_b', 'succeeded')], stats } },
      'GET /api/connectors': { body: { connectors: [] } },
      'POST /api/dlq/dlq_a/replay': { status: 409, body: { error: 'not_replayable', field: 'id', message: 'DLQ entry dlq_a is replaying' } },
    });
    render(<DlqPage />);
    await waitFor(() => expect(screen.getByTestId('dlq-row-dlq_b')).toBeTruthy());
    expect((screen.getByTestId('dlq-replay-dlq_b') as HTMLButtonElement).disabled).toBe(true);
    await act(async () => fireEvent.click(screen.getByTestId('dlq-replay-dlq_a')));
    await waitFor(() => expect(screen.getByTestId('dlq-action-result').textContent).toContain('DLQ entry dlq_a is replaying'));
  });

  it('expands a row into its history and keeps it open across refreshes', async () => {
    fakeServer({
      'GET /api/dlq': { body: { entries: [entry('dlq_a')], stats } },
      'GET /api/connectors': { body: { connectors: [] } },
      'GET /api/dlq/dlq_a': {
        // The AAM's shape: one item per attempt.
        body: {
          ...entry('dlq_a'),
          history: [
            { number: 1, at: '2026-12-02T04:05:15Z', duration_ms: 812, status: 503, error_class: 'server_error', message: 'upstream said 503' },
            { number: 2, at: '2026-12-02T04:05:16Z', duration_ms: 1500, status: null, error_class: 'timeout', message: 'no answer in 1.5 s' },
          ],
        },
      },
    });
    render(<DlqPage />);
    await waitFor(() => expect(screen.getByTestId('dlq-expand-dlq_a')).toBeTruthy());
    fireEvent.click(screen.getByTestId('dlq-expand-dlq_a'));
    expect(screen.getByTestId('dlq-expand-dlq_a').getAttribute('aria-expanded')).toBe('true');
    await waitFor(() => expect(screen.getByTestId('dlq-attempts-dlq_a').textContent).toContain('upstream said 503'));
    const rows = screen.getByTestId('dlq-attempts-dlq_a').querySelectorAll(':scope > tbody > tr[data-attempt]');
    expect([...rows].map((r) => r.textContent)).toHaveLength(2);
    expect(rows[0].textContent).toContain('server_error');
    expect(rows[0].textContent).toContain('503');
    expect(rows[1].textContent).toContain('timeout');
  });

  it('groups the attempts by call across replays, labels each one, and shows where the server left attempts out', async () => {
    const a = (replay: number, number: number, at: string, status: number, error_class: string | null) => ({
      replay, number, at, duration_ms: 10, status, error_class, message: error_class ? `HTTP ${status}` : null,
    });
    fakeServer({
      'GET /api/dlq': { body: { entries: [entry('dlq_a')], stats } },
      'GET /api/connectors': { body: { connectors: [] } },
      'GET /api/dlq/dlq_a': {
        body: {
          ...entry('dlq_a'),
          attempts: 57,
          attempts_omitted: 52,
          omitted_after: 2,
          history: [
            a(0, 1, '2026-12-02T04:05:15Z', 503, 'server_error'),
            a(0, 2, '2026-12-02T04:05:16Z', 503, 'server_error'),
            a(2, 1, '2026-12-02T04:09:00Z', 429, 'rate_limit'),
            a(2, 2, '2026-12-02T04:09:01Z', 503, 'server_error'),
            a(3, 1, '2026-12-02T04:12:00Z', 201, null),
          ],
        },
      },
    });
    render(<DlqPage />);
    await waitFor(() => expect(screen.getByTestId('dlq-expand-dlq_a')).toBeTruthy());
    fireEvent.click(screen.getByTestId('dlq-expand-dlq_a'));
    await waitFor(() => expect(screen.getByTestId('dlq-attempts-dlq_a').textContent).toContain('replay 3, attempt 1'));
    const table = screen.getByTestId('dlq-attempts-dlq_a');
    const labels = [...table.querySelectorAll('tr[data-attempt]')].map((r) => r.getAttribute('data-attempt'));
    expect(labels).toEqual(['original call, attempt 1', 'original call, attempt 2', 'replay 2, attempt 1', 'replay 2, attempt 2', 'replay 3, attempt 1']);
    const bodies = [...table.querySelectorAll(':scope > tbody')].map((b) => b.getAttribute('data-replay') ?? b.className);
    expect(bodies).toEqual(['0', 'dlq-omitted', '2', '3']);
    expect(screen.getByTestId('dlq-omitted-dlq_a').textContent).toContain('52 attempts omitted');
    expect(screen.getByTestId('dlq-history-dlq_a').textContent).toContain('57 attempts (52 omitted)');
  });

  it('says why a write parked by an open circuit lists no attempt, and counts the list against the totals', async () => {
    const open = dlqEntry('dlq_c', { state: 'pending', connector: 'stripe_mock', error_class: 'circuit_open', attempts: 0, parked_at: '2026-12-02T04:05:16.199Z' });
    fakeServer({
      'GET /api/dlq': { body: { entries: [open], stats } },
      'GET /api/connectors': { body: { connectors: [] } },
      'GET /api/dlq/dlq_c': { body: { ...open, history: [] } },
    });
    render(<DlqPage />);
    await waitFor(() => expect(screen.getByTestId('dlq-shown').textContent).toContain('1 entry shown of 26 (1 pending shown of 12 pending in all)'));
    expect(screen.getByTestId('dlq-causes').textContent).toContain('1 stripe_mock · circuit_open');
    fireEvent.click(screen.getByTestId('dlq-expand-dlq_c'));
    await waitFor(() => expect(screen.getByTestId('dlq-history-dlq_c').textContent).toContain('No call was sent: the circuit was open'));
    expect(screen.getByTestId('dlq-outcome-dlq_c').textContent).toContain('not landed yet');
  });

  it('replays all through a background job and shows its results once it has finished', async () => {
    let polls = 0;
    const job = { id: 'replay_1', connector: null, total: 2, succeeded: 1, failed: 1, skipped: 0, location: '/dlq/replays/replay_1' };
    fakeServer({
      'GET /api/dlq': { body: { entries: [entry('dlq_a'), entry('dlq_c')], stats } },
      'GET /api/connectors': { body: { connectors: [] } },
      'POST /api/dlq/replay': { status: 202, body: { ...job, state: 'running', done: 0 } },
      'GET /api/dlq/replays/replay_1': () => {
        polls++;
        return polls < 2
          ? { body: { ...job, state: 'running', done: 1 } }
          : {
              body: {
                ...job,
                state: 'finished',
                done: 2,
                results: [
                  { id: 'dlq_a', outcome: 'succeeded', status: 200, message: null },
                  { id: 'dlq_c', outcome: 'failed', status: 500, message: 'boom' },
                ],
              },
            };
      },
    });
    render(<DlqPage />);
    await waitFor(() => expect(screen.getByTestId('dlq-row-dlq_a')).toBeTruthy());
    await act(async () => fireEvent.click(screen.getByTestId('dlq-replay-all')));
    await waitFor(() => expect(screen.getByTestId('dlq-action-result').textContent).toContain('replayed 2: 1 succeeded, 1 failed'), {
      timeout: 3000,
    });
    expect(polls).toBe(2);
  });
});
