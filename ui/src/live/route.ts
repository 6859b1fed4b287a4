/** The view kept in `location.hash` (`#/live`, `#/connectors/<id>`, `#/runs/<id>`…) so a reload keeps it. */

/** The tabs of the shell, in their order. */
export const TABS = ['live', 'connectors', 'workflows', 'dlq', 'runs'] as const;
export type Tab = (typeof TABS)[number];

/** A tab and, for the tabs that have details, the selected id. */
export interface Route {
  tab: Tab;
  id: string | null;
}

/** Reads a hash; anything unknown is the live tab. Ids are URI-decoded; only connectors and runs take one. */
export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '');
  const tab = (TABS as readonly string[]).includes(parts[0] ?? '') ? (parts[0] as Tab) : 'live';
  let id: string | null = null;
  if ((tab === 'connectors' || tab === 'runs') && parts[1]) {
    try {
      id = decodeURIComponent(parts[1]);
    } catch {
      id = parts[1];
    }
  }
  return { tab, id };
}

/** The hash of a route (`#/runs/hell-1`). */
export function formatHash(r: Route): string {
  return r.id && (r.tab === 'connectors' || r.tab === 'runs') ? `#/${r.tab}/${encodeURIComponent(r.id)}` : `#/${r.tab}`;
}

/** The tab an arrow/Home/End key moves to from `cur` (null for any other key); wraps around. */
export function tabForKey(cur: Tab, key: string): Tab | null {
  const i = TABS.indexOf(cur);
  switch (key) {
    case 'ArrowRight':
      return TABS[(i + 1) % TABS.length];
    case 'ArrowLeft':
      return TABS[(i - 1 + TABS.length) % TABS.length];
    case 'Home':
      return TABS[0];
    case 'End':
      return TABS[TABS.length - 1];
    default:
      return null;
  }
}
