/** Typed calls to the AAM through the same-origin `/api` prefix. */
import { getJson, sendJson } from './http';
import type {
  Connector,
  ConnectorStatus,
  DlqEntryDetail,
  DlqList,
  DriftOverview,
  Health,
  MetricsSnapshot,
  Named,
  NewConnector,
  ReplayJob,
  ReplayOutcome,
  RunAccepted,
  RunDetail,
  RunSummary,
  ScenarioRunRequest,
  VendorList,
  WorkflowRunRequest,
} from './types';

const enc = encodeURIComponent;

/** `GET /health`: the store, the limits backend and the nodes sharing the store (503 while the store is degraded). */
export const getHealth = (signal?: AbortSignal) => getJson<Health>('/api/health', signal);

/** `GET /metrics`: the cumulative snapshot, overall and per connector. */
export const getMetrics = (signal?: AbortSignal) => getJson<MetricsSnapshot>('/api/metrics', signal);

/** `GET /vendors`: the flavours a connector may name (the built-ins, then those plug-in jars add). */
export const getVendors = async (signal?: AbortSignal) => (await getJson<VendorList>('/api/vendors', signal)).vendors;

/** `GET /connectors`: every connector, secrets redacted. */
export const listConnectors = async (signal?: AbortSignal) =>
  (await getJson<{ connectors: Connector[] }>('/api/connectors', signal)).connectors;

/** `GET /connectors/{id}/status`: each stage's live state and the last errors. */
export const getConnectorStatus = (id: string, signal?: AbortSignal) =>
  getJson<ConnectorStatus>(`/api/connectors/${enc(id)}/status`, signal);

/** `POST /connectors`: 201 with the connector; 400 naming the field, 409 when the id exists. */
export const createConnector = (c: NewConnector) => sendJson<Connector>('POST', '/api/connectors', c);

/** `DELETE /connectors/{id}`. */
export const deleteConnector = (id: string) => sendJson<unknown>('DELETE', `/api/connectors/${enc(id)}`);

/** `GET /drift`: per connector the drift stage's state and its recent drift_detected events. */
export const getDrift = (signal?: AbortSignal) => getJson<DriftOverview>('/api/drift', signal);

/** `GET /workflows`. */
export const listWorkflows = async (signal?: AbortSignal) =>
  (await getJson<{ workflows: Named[] }>('/api/workflows', signal)).workflows;

/** `POST /workflows/run`: 202 `{id,state}`; 409 while another run is running. */
export const runWorkflow = (req: WorkflowRunRequest) => sendJson<RunAccepted>('POST', '/api/workflows/run', req);

/** `GET /scenarios`: built-in and user scenarios. */
export const listScenarios = async (signal?: AbortSignal) =>
  (await getJson<{ scenarios: Named[] }>('/api/scenarios', signal)).scenarios;

/** `POST /scenarios/run`: 202 `{id,state}`; 409 while another run is running. */
export const runScenario = (req: ScenarioRunRequest) => sendJson<RunAccepted>('POST', '/api/scenarios/run', req);

/** `GET /runs`: every run the server knows. */
export const listRuns = async (signal?: AbortSignal) => (await getJson<{ runs: RunSummary[] }>('/api/runs', signal)).runs;

/** `GET /runs/{id}`: live progress while running, the report once done. */
export const getRun = (id: string, signal?: AbortSignal) => getJson<RunDetail>(`/api/runs/${enc(id)}`, signal);

/** `POST /runs/{id}/stop` with a reason; 202, 409 when the run is not running. */
export const stopRun = (id: string, reason: string) => sendJson<RunAccepted>('POST', `/api/runs/${enc(id)}/stop`, { reason });

/** The downloadable HTML report of a run. */
export const runReportHref = (id: string) => `/api/runs/${enc(id)}/report.html`;

/** `GET /dlq?…` with a query string built by the DLQ page (without the leading `?`). */
export const listDlq = (query: string, signal?: AbortSignal) => getJson<DlqList>(`/api/dlq${query ? `?${query}` : ''}`, signal);

/** `GET /dlq/{id}`: the entry with its history. */
export const getDlqEntry = (id: string, signal?: AbortSignal) => getJson<DlqEntryDetail>(`/api/dlq/${enc(id)}`, signal);

/** `POST /dlq/{id}/replay`: replay one entry now. */
export const replayDlqEntry = (id: string) => sendJson<ReplayOutcome>('POST', `/api/dlq/${enc(id)}/replay`);

/**
 * `POST /dlq/replay[?connector=]`: replay every pending entry (of one connector). The server answers 202 with a job
 * at once; its progress (`GET /dlq/replays/{id}`) is polled until it is no longer running.
 */
export const replayAllDlq = async (connector: string | null, pollMs = 300): Promise<{ replayed: ReplayOutcome[] }> => {
  let job = await sendJson<ReplayJob>('POST', `/api/dlq/replay${connector ? `?connector=${enc(connector)}` : ''}`);
  while (job.state === 'running') {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    job = await getJson<ReplayJob>(`/api/dlq/replays/${enc(job.id)}`);
  }
  if (job.state === 'failed') throw new Error(`the replay job failed after ${job.done} entries: ${job.error ?? 'no reason given'}`);
  return { replayed: job.results ?? [] };
};

/** `DELETE /dlq/{id}`: discard an entry. */
export const discardDlqEntry = (id: string) => sendJson<{ discarded: string }>('DELETE', `/api/dlq/${enc(id)}`);
