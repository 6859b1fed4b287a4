import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import { ConnectorTable } from './ConnectorTable';
import type { ConnectorWithStatus } from './load';

afterEach(cleanup);

const row = (id: string, failureRate: number | null | undefined): ConnectorWithStatus =>
  ({
    connector: { id, flavor: 'stripe', base_url: 'http://127.0.0.1:1/api/stripe' },
    status: { stages: { circuit: { state: 'CLOSED', failure_rate: failureRate } } },
    statusError: null,
  }) as unknown as ConnectorWithStatus;

test('a circuit whose window has no calls yet (failure_rate null) shows no rate, and the table still renders', () => {
  render(<ConnectorTable rows={[row('a', null), row('b', 12.4), row('c', -1)]} metrics={null} selectedId={null} onSelect={() => {}} />);
  expect(screen.getByTestId('connector-row-a').textContent).not.toContain('%');
  expect(screen.getByTestId('connector-row-b').textContent).toContain('12 %');
  expect(screen.getByTestId('connector-row-c').textContent).not.toContain('%');
});
