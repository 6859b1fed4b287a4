/** A React hook that loads a JSON resource now and then every N ms, keeping the last good value through errors. */
import { useCallback, useEffect, useRef, useState } from 'react';

/** The state of a polled resource. */
export interface Poll<T> {
  /** The last value loaded, kept while a later load fails so the page does not blank out. */
  data: T | null;
  /** The error of the last load, cleared by the next success. */
  error: Error | null;
  /** Load again at once (after an action changed the resource). */
  refresh(): void;
}

/**
 * Polls `load` every `intervalMs` (the next load starts when the previous one ended, so slow servers are not piled
 * on). `key` restarts polling when what to load changes (a filter, an id); `intervalMs` of 0 loads once.
 * A `load` of null loads nothing (e.g. nothing selected).
 */
export function usePoll<T>(load: ((signal: AbortSignal) => Promise<T>) | null, intervalMs: number, key: string): Poll<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);
  // The latest loader, so an inline arrow (new every render) does not restart polling; updated before the poll effect.
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  const enabled = load !== null;

  // A new key means another resource: drop the old value rather than show it under the new one.
  const keyRef = useRef(key);
  if (keyRef.current !== key) {
    keyRef.current = key;
    setData(null);
    setError(null);
  }

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ctrl: AbortController | undefined;
    const once = async () => {
      const fn = loadRef.current;
      if (!fn) return;
      ctrl = new AbortController();
      try {
        const v = await fn(ctrl.signal);
        if (!stopped) {
          setData(v);
          setError(null);
        }
      } catch (e) {
        if (!stopped && (e as Error).name !== 'AbortError') setError(e as Error);
      }
      if (!stopped && intervalMs > 0) timer = setTimeout(once, intervalMs);
    };
    void once();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      ctrl?.abort();
    };
  }, [enabled, intervalMs, key, tick]);

  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, refresh };
}
