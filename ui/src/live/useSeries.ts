/** React bindings of the series store. */
import { useSyncExternalStore } from 'react';
import type { SeriesStore } from './store';

/** Re-renders the caller whenever the store changes; returns the store's version. */
export function useStoreVersion(store: SeriesStore): number {
  return useSyncExternalStore(
    (fn) => store.subscribe(fn),
    () => store.version,
  );
}
