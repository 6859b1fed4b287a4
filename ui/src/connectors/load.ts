/** Loads every connector with its live stage status in one go (a status that fails does not hide the connector). */
import { getConnectorStatus, listConnectors } from '../api/aam';
import type { Connector, ConnectorStatus } from '../api/types';

/** A connector and its status (or why the status could not be read). */
export interface ConnectorWithStatus {
  connector: Connector;
  status: ConnectorStatus | null;
  statusError: Error | null;
}

/** `GET /connectors` then each `/connectors/{id}/status` in parallel. */
export async function loadConnectorsWithStatus(signal: AbortSignal): Promise<ConnectorWithStatus[]> {
  const cs = await listConnectors(signal);
  const st = await Promise.allSettled(cs.map((c) => getConnectorStatus(c.id, signal)));
  return cs.map((connector, i) => {
    const s = st[i];
    return s.status === 'fulfilled'
      ? { connector, status: s.value, statusError: null }
      : { connector, status: null, statusError: s.reason instanceof Error ? s.reason : new Error(String(s.reason)) };
  });
}
