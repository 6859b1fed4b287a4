/** The workflow run form: validation and the `POST /api/workflows/run` body. */
import type { WorkflowRunRequest } from '../api/types';
import { parseDuration, parseSeed } from '../api/units';

/** What the form holds, as typed. */
export interface WorkflowForm {
  connector: string;
  workflow: string;
  rate: string;
  duration: string;
  /** Empty: leave the farm's chaos as it is. */
  chaos: string;
  seed: string;
}

/** The AAM's bounds on the offered rate (RunRoutes: 0.001 to 10,000 per second). */
export const MAX_RATE = 10_000;

/** Validates the form; errors are keyed by the server's field names (`connectors`, `workflow`, `rate`, …). */
export function workflowRequest(f: WorkflowForm): { ok: true; request: WorkflowRunRequest } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!f.connector) errors.connectors = 'choose a connector';
  if (!f.workflow) errors.workflow = 'choose a workflow';
  const rateText = f.rate.trim();
  const rate = Number(rateText);
  if (rateText === '' || !Number.isFinite(rate) || rate <= 0) errors.rate = 'operations per second, a number > 0';
  else if (rate > MAX_RATE) errors.rate = `at most ${MAX_RATE.toLocaleString('en-US')} per second`;
  const d = parseDuration(f.duration);
  if (!d.ok) errors.duration = d.message;
  const s = parseSeed(f.seed);
  if (!s.ok) errors.seed = s.message;
  if (Object.keys(errors).length > 0 || !d.ok || !s.ok) return { ok: false, errors };
  const request: WorkflowRunRequest = { workflow: f.workflow, connectors: [f.connector], rate, duration: d.text };
  if (f.chaos) request.chaos = f.chaos;
  if (s.seed !== null) request.seed = s.seed;
  return { ok: true, request };
}
