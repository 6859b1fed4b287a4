/** Typed calls to the API Farm's admin API through the same-origin `/farm` prefix. */
import { getJson, sendJson } from './http';
import type { ChaosRequest, FarmStatus } from './types';

/** `GET /admin/status`: chaos levels (global, per service, history) and per-service counters. */
export const getFarmStatus = (signal?: AbortSignal) => getJson<FarmStatus>('/farm/admin/status', signal);

/** `POST /admin/chaos`: turn the dial, globally or for some services, optionally for a duration. */
export const setChaos = (req: ChaosRequest) => sendJson<unknown>('POST', '/farm/admin/chaos', req);

/** The six built-in service (and connector) ids, in the order the pages show them when the servers are silent. */
export const SERVICE_IDS = ['salesforce_mock', 'mongodb_mock', 'stripe_mock', 'github_mock', 'supabase_mock', 'datadog_mock'] as const;
