/** Shapes of the AAM's live data (the `/events` SSE stream and `/metrics`) and the app-wide live state. */

/** The mesh's error classes (ErrorClass; server test UiListsTest checks this), in the order the charts stack them. */
export const ERROR_CLASSES = [
  'server_error',
  'network_error',
  'timeout',
  'rate_limit',
  'auth_expired',
  'invalid_creds',
  'circuit_open',
  'client_error',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** Latency of the mesh's recent window, in milliseconds (percentiles, never averages). */
export interface LatencyBlock {
  count?: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Sent by the server but never shown: the UI reports percentiles. */
  mean_ms?: number;
}

/** Cumulative counters of one connector, or of all of them (`overall`). */
export interface CounterBlock {
  connector?: string;
  calls: number;
  succeeded: number;
  failed: number;
  failures: Partial<Record<string, number>>;
  attempts: number;
  attempts_succeeded?: number;
  attempt_failures: Partial<Record<string, number>>;
  retries: number;
  rate_limited: number;
  stale?: number;
  effective_success_rate: number;
  actual_success_rate: number;
  latency: LatencyBlock;
  events: Partial<Record<string, number>>;
  /** Each pipeline stage's state (per connector only), e.g. `circuit.state`, `rate-limit.tokens`. */
  stages?: Record<string, Record<string, unknown>>;
}

/** One connector's live limiter/circuit/auth state as carried by the `metrics` SSE event. */
export interface ConnectorLiveStatus {
  tokens?: number | null;
  rate_rps?: number | null;
  learned_limit_rps?: number | null;
  burst?: number | null;
  /** "closed" | "half_open" | "open" (spelling tolerated: HALF_OPEN, half-open). */
  circuit?: string | null;
  token_expires_at?: string | null;
}

/** The DLQ's counts (`GET /dlq` stats, also carried by the `metrics` SSE event). */
export interface DlqStats {
  pending: number;
  replaying?: number;
  succeeded?: number;
  dead?: number;
  discarded?: number;
  processed?: number;
  failed?: number;
  oldest_pending_age_s?: number | null;
}

/** `GET /metrics`, and the `metrics` SSE event (which adds the DLQ counts, `dlq`; null when the AAM has no DLQ). */
export interface MetricsSnapshot {
  at: string;
  overall: CounterBlock;
  connectors: Record<string, CounterBlock>;
  dlq?: DlqStats | null;
}

/** Any typed mesh event of the SSE stream (`type`, `at`, usually `connector`, plus its own fields). */
export interface MeshEvent {
  type: string;
  at: string;
  connector?: string;
  [field: string]: unknown;
}

/** The `run` SSE event: a scenario started, entered a phase, or finished. */
export interface RunEvent extends MeshEvent {
  type: 'run';
  run: string;
  scenario: string;
  what: 'started' | 'phase' | 'finished';
  phase?: string | null;
  chaos?: string | null;
  state?: string | null;
}

/** The run in progress, as far as the live stream knows. */
export interface ActiveRun {
  id: string;
  scenario: string;
  phase: string | null;
  chaos: string | null;
}

/** The app-wide live state every page can read (the series themselves live in the SeriesStore). */
export interface LiveState {
  /** True while the SSE stream is open. */
  connected: boolean;
  activeRun: ActiveRun | null;
  /** The latest `metrics` payload, or null before the first one. */
  lastMetrics: MetricsSnapshot | null;
  /** The last ~200 typed events (no `metrics`), oldest first. */
  events: MeshEvent[];
}

/** What a vertical marker on the charts stands for. */
export type MarkerKind = 'chaos' | 'phase' | 'circuit' | 'token' | 'drift';

/** A vertical line on every chart: time in epoch seconds, kind, the connector it concerns (null: all). */
export interface Marker {
  t: number;
  kind: MarkerKind;
  connector: string | null;
  label: string;
  /** Chaos markers: the level from then on; phase markers: the phase's chaos level, when it sets one. */
  level?: string | null;
  /** Phase markers: the phase from then on (null after the run finished). */
  phase?: string | null;
  /** Breaker markers: the state it went to (closed, half_open, open). */
  to?: string | null;
}

/** The farm's `GET /admin/status` (the fields the UI reads). */
export interface FarmStatus {
  seed?: number;
  chaos: {
    level: string;
    levels?: string[];
    services?: Record<string, string>;
    history?: { at: string; level: string; services: string[]; duration_s: number | null }[];
  };
  services: {
    id: string;
    flavor?: string;
    chaos_level?: string;
    chaos_expires_at?: string | null;
    requests?: number;
    faults?: Record<string, number>;
    faults_total?: number;
  }[];
}
