/** The chaos dial and scenario forms: what the user typed turned into a request, or the field that is wrong. */
import type { ChaosRequest, ScenarioRunRequest } from '../api/types';
import { parseDuration, parseSeed } from '../api/units';

/** A form's outcome: the request to send, or field → message for what is wrong. */
export type FormResult<T> = { ok: true; request: T } | { ok: false; errors: Record<string, string> };

/** What the chaos dial form holds. */
export interface ChaosForm {
  level: string;
  /** True: every service (a global change); false: only `services`. */
  all: boolean;
  services: string[];
  /** Seconds as typed; empty means "until changed". */
  duration: string;
}

/** Validates the chaos dial form against the farm's levels; a global change leaves `services` out. */
export function chaosRequest(f: ChaosForm, levels: string[]): FormResult<ChaosRequest> {
  const errors: Record<string, string> = {};
  if (!f.level) errors.level = 'choose a level';
  else if (levels.length > 0 && !levels.includes(f.level)) errors.level = `level must be one of ${levels.join(', ')}`;
  if (!f.all && f.services.length === 0) errors.services = 'tick at least one service, or "all"';
  const d = f.duration.trim();
  let duration: number | undefined;
  if (d !== '') {
    // The farm keeps whole seconds (1.5 would silently become 1): ask for what it keeps.
    if (!/^\d+$/.test(d) || Number(d) <= 0) errors.duration_s = 'a whole number of seconds > 0, or empty for "until changed"';
    else duration = Number(d);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const request: ChaosRequest = { level: f.level };
  if (!f.all) request.services = [...f.services];
  if (duration !== undefined) request.duration_s = duration;
  return { ok: true, request };
}

/** What the scenario form holds. */
export interface ScenarioForm {
  scenario: string;
  /** Empty: the scenario's own duration. */
  duration: string;
  seed: string;
  compare: boolean;
}

/** Validates the scenario form; an empty duration or seed is left out so the scenario's own values apply. */
export function scenarioRequest(f: ScenarioForm): FormResult<ScenarioRunRequest> {
  const errors: Record<string, string> = {};
  if (!f.scenario) errors.scenario = 'choose a scenario';
  let duration: string | undefined;
  if (f.duration.trim() !== '') {
    const d = parseDuration(f.duration);
    if (d.ok) duration = d.text;
    else errors.duration = d.message;
  }
  const s = parseSeed(f.seed);
  if (!s.ok) errors.seed = s.message;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const request: ScenarioRunRequest = { scenario: f.scenario };
  if (duration) request.duration = duration;
  if (s.ok && s.seed !== null) request.seed = s.seed;
  if (f.compare) request.compare = 'naive';
  return { ok: true, request };
}
