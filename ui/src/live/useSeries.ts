/** React bindings of the series store. */
import { startTransition, useEffect, useState } from 'react';
import type { SeriesStore } from './store';

/** What a view follows: every change (rows and markers), or new rows only. */
export type StoreFollow = 'all' | 'rows';

function read(store: SeriesStore, follow: StoreFollow): number {
  return follow === 'rows' ? store.rowVersion : store.version;
}

/**
 * Re-renders the caller when the store changes; returns the store's version (or row version). Changes are coalesced to
 * one per animation frame and rendered as a transition, so React renders the views in slices between frames instead of
 * in the same task as the stream's message (useSyncExternalStore rendered synchronously: one long task a second).
 */
export function useStoreVersion(store: SeriesStore, follow: StoreFollow = 'all'): number {
  const [version, setVersion] = useState(() => read(store, follow));
  useEffect(() => {
    let frame: number | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const update = () => {
      frame = null;
      timer = null;
      startTransition(() => setVersion(read(store, follow)));
    };
    const changed = () => {
      if (frame != null || timer != null) return;
      // Without requestAnimationFrame (tests) a short timer stands in for a frame.
      if (typeof requestAnimationFrame === 'function') frame = requestAnimationFrame(update);
      else timer = setTimeout(update, 16);
    };
    const unsubscribe = store.subscribe(changed);
    // A change between the first render and this subscription is not lost.
    if (read(store, follow) !== version) changed();
    return () => {
      unsubscribe();
      if (frame != null) cancelAnimationFrame(frame);
      if (timer != null) clearTimeout(timer);
    };
    // `version` only matters at subscription time (above); following it would resubscribe on every change.
  }, [store, follow]);
  return version;
}
