/** Per-service chaos levels from the farm's status, in a stable order, for the chips and the dial. */
import type { FarmService, FarmStatus } from '../api/types';

/** One service's current chaos level. */
export interface ServiceLevel {
  id: string;
  /** The id without the `_mock` suffix, for narrow chips. */
  short: string;
  level: string;
  /** When a timed change ends and the previous level returns, or null. */
  expiresAt: string | null;
}

/** The parts of the farm's status the levels are read from. */
export interface LevelsSource {
  chaos: FarmStatus['chaos'];
  services: Pick<FarmService, 'id' | 'chaos_level' | 'chaos_expires_at'>[];
}

/** Each service's level: the dial's per-service map first, then the service's own field, then the global level. */
export function serviceLevels(s: LevelsSource): ServiceLevel[] {
  const ids = s.services.map((x) => x.id);
  for (const id of Object.keys(s.chaos.services ?? {})) if (!ids.includes(id)) ids.push(id);
  return ids
    .sort()
    .map((id) => {
      const svc = s.services.find((x) => x.id === id);
      return {
        id,
        short: id.replace(/_mock$/, ''),
        level: s.chaos.services?.[id] ?? svc?.chaos_level ?? s.chaos.level,
        expiresAt: svc?.chaos_expires_at ?? null,
      };
    });
}
