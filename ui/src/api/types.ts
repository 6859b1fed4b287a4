/**
 * The JSON shapes of the AAM (`/api/...`) and the farm (`/farm/...`) the pages read, as the servers send them. Those
 * the AAM's OpenAPI document describes from its Java records are checked against it (server OpenApiSchemasTest:
 * metrics, DLQ): a field added or renamed on one side fails that test until the other side follows.
 */

// ---------- AAM: metrics ----------

/** Latency percentiles of a metrics snapshot, milliseconds. */
export interface MetricsLatency {
  count?: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms?: number;
}

/** One connector's (or the overall) cumulative counters since the AAM started. */
export interface MetricsFigures {
  connector?: string;
  calls: number;
  succeeded: number;
  failed: number;
  /** Logical calls that failed, by error class. */
  failures: Record<string, number>;
  attempts: number;
  attempts_succeeded?: number;
  /** Attempts (retries included) that failed, by error class. */
  attempt_failures: Record<string, number>;
  retries: number;
  rate_limited: number;
  stale?: number;
  effective_success_rate: number;
  actual_success_rate: number;
  latency: MetricsLatency;
  events: Record<string, number>;
  /** Each stage's live status, by stage name. */
  stages?: Record<string, Record<string, unknown>>;
}

/** `GET /metrics`. */
export interface MetricsSnapshot {
  at: string;
  overall: MetricsFigures;
  connectors: Record<string, MetricsFigures>;
}

// ---------- AAM: connectors ----------

/** A connector's auth section as `GET /connectors` shows it (secrets as `***`). */
export type ConnectorAuth =
  | { type: 'none' }
  | { type: 'api_key'; header: string; prefix: string; key: string }
  | {
      type: 'oauth2';
      token_url: string;
      grant: string;
      client_id: string;
      client_secret: string;
      refresh_margin?: string;
      rotating_refresh?: boolean;
      default_ttl?: string;
      token_headers?: Record<string, string>;
      json_body?: boolean;
    };

/** The limit section of a connector. */
export interface ConnectorLimit {
  initial_rps: number;
  min_rps: number;
  max_rps: number;
  burst: number;
  max_in_flight?: number;
}

/** A connector as `GET /connectors` returns it (the connectors.yaml object, secrets as `***`). */
export interface Connector {
  id: string;
  base_url: string;
  flavor: string;
  service: string;
  tenants?: string[];
  headers?: Record<string, string>;
  auth: ConnectorAuth;
  limit: ConnectorLimit;
  retry: Record<string, unknown>;
  circuit: Record<string, unknown>;
  timeouts: Record<string, unknown>;
  idempotency: Record<string, unknown>;
  drift: Record<string, unknown>;
  dlq: Record<string, unknown>;
  stale_reads?: boolean;
}

/** `GET /vendors`: the flavours a connector may name. */
export interface VendorList {
  vendors: string[];
}

/** The body of `POST /connectors`: what the "New connector" form sends (other sections keep the mesh's defaults). */
export interface NewConnector {
  id: string;
  base_url: string;
  flavor: string;
  service?: string;
  auth:
    | { type: 'none' }
    | { type: 'api_key'; header: string; prefix: string; key: string }
    | { type: 'oauth2'; token_url: string; grant: 'client_credentials'; client_id: string; client_secret: string };
  limit?: { initial_rps?: number; max_rps?: number; burst?: number };
}

/** Circuit stage status. */
export interface CircuitStatus {
  state: string;
  /** Percent of the window's calls that failed; absent or null (or negative) before the window has calls. */
  failure_rate?: number | null;
  buffered_calls?: number;
  failed_calls?: number;
  not_permitted_calls?: number;
}

/** Rate-limit stage status (token bucket). */
export interface RateLimitStatus {
  tokens: number;
  rate_rps: number;
  learned_limit_rps?: number | null;
  burst?: number;
  waits?: number;
  refused_at_deadline?: number;
}

/** Auth stage status; `token_expires_at` only for OAuth connectors holding a token. */
export interface AuthStatus {
  type: string;
  header?: string;
  token_expires_at?: string | null;
  token_refresh_at?: string | null;
  refreshes?: number;
  refresh_failures?: number;
  [k: string]: unknown;
}

/** One learned field mapping of the drift stage. */
export interface ActiveMapping {
  endpoint?: string;
  before: string;
  after: string;
  confidence?: number;
  [k: string]: unknown;
}

/** Drift-mapping stage status. */
export interface DriftStageStatus {
  endpoints: number;
  drifts: number;
  mappings: number;
  /** Lines "<endpoint>: <before> → <after>" (see DriftTable.parseMapping). */
  active_mappings: (string | ActiveMapping)[];
}

/** A mesh event (SSE or `recent_errors`/`history`): `type`, `at`, usually `connector`, plus type-specific fields. */
export interface MeshEvent {
  type: string;
  at: string;
  connector?: string;
  [k: string]: unknown;
}

/** `GET /connectors/{id}/status`. */
export interface ConnectorStatus {
  id: string;
  stages: {
    observe?: Record<string, number>;
    idempotency?: Record<string, unknown>;
    retry?: Record<string, number>;
    circuit?: CircuitStatus;
    'rate-limit'?: RateLimitStatus;
    auth?: AuthStatus;
    'drift-mapping'?: DriftStageStatus;
    [stage: string]: unknown;
  };
  recent_errors: MeshEvent[];
}

/** `GET /drift`. */
export interface DriftOverview {
  connectors: Record<string, { stage: DriftStageStatus; recent: MeshEvent[] }>;
}

// ---------- AAM: workflows, scenarios, runs ----------

/** A named workflow or scenario with its description. */
export interface Named {
  name: string;
  description: string;
}

/** `POST /workflows/run` body. */
export interface WorkflowRunRequest {
  workflow: string;
  connectors: string[];
  rate: number;
  duration: string;
  chaos?: string;
  seed?: number;
}

/** `POST /scenarios/run` body. */
export interface ScenarioRunRequest {
  scenario: string;
  duration?: string;
  seed?: number;
  /** Baseline names, comma-separated ("naive,naive-retry") or as a list. */
  compare?: string | string[];
}

/** The 202 answer of a run start or stop. */
export interface RunAccepted {
  id: string;
  state: string;
}

/** A run's state. */
export type RunState = 'running' | 'passed' | 'failed' | 'stopped' | 'error';

/** One row of `GET /runs`. */
export interface RunSummary {
  id: string;
  scenario: string;
  state: RunState | string;
  started: string;
  finished: string | null;
  passed?: boolean | null;
  stop_reason?: string | null;
}

/** Live progress of a run (`GET /runs/{id}` → `live`). */
export interface RunLive {
  elapsed_s: number;
  total_s: number;
  phase: string | null;
  ops: number;
  req_per_s: number;
  success_rate: number;
  p99_ms: number;
  dlq_depth: number;
  open_circuits: number;
  /** The scenario's thresholds on the run so far (lost and duplicates: null until the checker has run). */
  thresholds?: ThresholdResult[];
}

/** One threshold of a report. */
export interface ThresholdResult {
  expr: string;
  /** Null when nothing was measured (the threshold then fails). */
  value: number | null;
  pass: boolean;
}

/** `report.totals`. */
export interface ReportTotals {
  logical_ops: number;
  succeeded: number;
  failed: number;
  dlq_pending: number;
  lost: number;
  duplicates: number;
  retries: number;
  success_rate: number;
  retry_success_rate: number;
  req_per_s?: number;
}

/** `report.latency_ms`. */
export interface ReportLatency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** `report.connectors[id]`. */
export interface ReportConnector {
  logical_ops: number;
  succeeded: number;
  failed: number;
  retries: number;
  success_rate: number;
  retry_success_rate: number;
  req_per_s: number;
  latency_ms: ReportLatency;
  dlq_pending: number;
  lost: number;
  duplicates: number;
  failures: Record<string, number>;
  correct_values?: number;
  incorrect_values?: number;
}

/** A run's report.json. */
export interface RunReport {
  scenario: string;
  seed: number;
  duration_s: number;
  started_at?: string;
  passed: boolean;
  halted?: string | null;
  target?: string;
  thresholds: ThresholdResult[];
  totals: ReportTotals;
  latency_ms: ReportLatency;
  connectors: Record<string, ReportConnector>;
  /** One point a second (`t` from the run's start): what a baseline's faint lines are drawn from. */
  series?: { t: number; req_per_s: number; success_rate: number; p99_ms: number }[];
  /** The first baseline (`--compare`), kept for readers of one baseline. */
  baseline?: RunReport | null;
  /** Every baseline by name (`naive`, `naive-retry`, …) in the order they ran. */
  baselines?: Record<string, RunReport> | null;
}

/** `GET /runs/{id}`. */
export interface RunDetail extends RunSummary {
  phase: string | null;
  live: RunLive | null;
  error: string | null;
  report_dir?: string | null;
  report: RunReport | null;
}

// ---------- AAM: DLQ ----------

/** A DLQ entry's state (DlqState; server test UiListsTest checks this). */
export type DlqState = 'pending' | 'replaying' | 'succeeded' | 'dead' | 'discarded';

/** One parked write. */
export interface DlqEntry {
  id: string;
  connector: string;
  method: string;
  path: string;
  op_id: string | null;
  /** Null once the entry was replayed successfully. */
  error_class: string | null;
  /** Every attempt it has had, the omitted ones included. */
  attempts: number;
  /** Attempts its history leaves out (between the first kept ones and the newest); absent from older servers. */
  attempts_omitted?: number;
  unknown_outcome: boolean;
  parked_at: string;
  state: DlqState | string;
  last_error: string | null;
}

/** One attempt of a parked write: the live call's, then each replay's. */
export interface DlqAttempt {
  /** 0: the original call; 1..n: the replay it was part of (absent from older servers). */
  replay?: number;
  /** Its number within its call, from 1. */
  number: number;
  at: string | null;
  duration_ms: number;
  /** 0 when no answer came back. */
  status: number;
  /** Null when the attempt succeeded. */
  error_class: string | null;
  message: string | null;
}

/** `GET /dlq/{id}`: the entry and (when the server has it) its attempts, oldest first. */
export interface DlqEntryDetail extends DlqEntry {
  history?: DlqAttempt[];
  /** The omitted attempts come after this many of `history` (null or absent: none omitted). */
  omitted_after?: number | null;
}

/** `GET /dlq` → `stats`. */
export interface DlqStats {
  pending: number;
  replaying: number;
  succeeded: number;
  dead: number;
  discarded: number;
  processed: number;
  failed: number;
  oldest_pending_age_s: number | null;
}

/** `GET /dlq`. */
export interface DlqList {
  entries: DlqEntry[];
  stats: DlqStats;
}

/** `POST /dlq/{id}/replay`. */
export interface ReplayOutcome {
  id: string;
  outcome: string;
  status?: number | null;
  message?: string | null;
}

/** `POST /dlq/replay` (202) and `GET /dlq/replays/{id}`: a replay-all job; `results` once it is no longer running. */
export interface ReplayJob {
  id: string;
  connector: string | null;
  state: 'running' | 'finished' | 'failed';
  total: number | null;
  done: number;
  succeeded: number;
  failed: number;
  skipped: number;
  started_at: string;
  finished_at: string | null;
  error?: string | null;
  location: string;
  results?: ReplayOutcome[];
  /** Only in the answer of `POST /dlq/replay`: whether that request started the job. */
  started?: boolean;
}

// ---------- farm ----------

/** One change of the chaos dial. */
export interface ChaosHistoryItem {
  at: string;
  level: string;
  services: string[];
  duration_s: number | null;
}

/** One farm service in `GET /admin/status`. */
export interface FarmService {
  id: string;
  flavor: string;
  base_path: string;
  /** Its own port, or null when served on the main port only. */
  port: number | null;
  source: string | null;
  auth: string;
  error_profile: string | null;
  chaos_level: string;
  chaos_expires_at: string | null;
  requests: number;
  faults: Record<string, number>;
  faults_total: number;
  rate_limited: number;
  rate_limit: Record<string, unknown> | null;
  tokens_issued: number;
  tokens_refreshed: number;
  /** Refresh tokens refused because they were used already (a rotated one sent twice: a refresh stampede across nodes). */
  refresh_reuse_refused: number;
  drift: { active: number; rules: Record<string, unknown>[] } | null;
  resources: Record<string, number>;
  /** What the last reload of its file kept and reset; null when it was not reloaded. */
  last_reload: Record<string, unknown> | null;
}

/** `GET /farm/admin/chaos`, and `chaos` in the status. */
export interface FarmChaos {
  level: string;
  levels: string[];
  services: Record<string, string>;
  history: ChaosHistoryItem[];
}

/** A services-folder file the farm could not load. */
export interface FarmServiceError {
  file: string | null;
  line: number;
  field: string | null;
  message: string | null;
}

/** `GET /farm/admin/status`. */
export interface FarmStatus {
  seed: number;
  chaos: FarmChaos;
  services: FarmService[];
  service_errors: FarmServiceError[];
  /** The first name of `service_errors`. */
  errors: FarmServiceError[];
  ledger: { commits: number; duplicates: number } | null;
  ground_truth: Record<string, unknown> | null;
  process: Record<string, number> | null;
}

/** `POST /farm/admin/chaos` body. */
export interface ChaosRequest {
  level: string;
  services?: string[];
  duration_s?: number;
}

/** One AAM node in `GET /health`'s `nodes` (issue 13): the nodes sharing the store, as of the last heartbeat. */
export interface NodeView {
  id: string;
  url: string;
  /** sqlite | postgresql | memory */
  store: string;
  /** local | redis */
  limits: string;
  version: string;
  started_at: string;
  last_seen: string;
  /** Silent for 10 s (dropped after 60 s). */
  gone: boolean;
  /** The node this UI talks to. */
  self: boolean;
}

/** One connector's bucket in `GET /health`'s `limits.connectors`. */
export interface BucketView {
  rate: number;
  burst: number;
  learned_limit: number | null;
  shared: boolean;
}

/** The parts of `GET /health` the header shows. */
export interface Health {
  status: 'ok' | 'degraded';
  nodes?: NodeView[];
  store: { status: string; kind: string; url?: string };
  limits: { backend: string; up?: boolean; live_nodes?: number; connectors?: Record<string, BucketView> };
}
