/** Loads a JSON resource once or every N ms; keeps the last good value and tells the error (text) of the last try. */
import { useEffect, useState } from 'react';
import { ApiError } from '../api/http';

/** The value and the last error of a loaded resource. */
export interface Resource<T> {
  data: T | null;
  error: string | null;
}

/** Calls `load` now and every `everyMs` (0: once, but again every 5 s while it fails). `load` must be stable. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, everyMs: number): Resource<T> {
  const [state, setState] = useState<Resource<T>>({ data: null, error: null });
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ctl = new AbortController();
    const run = async () => {
      let ok = true;
      try {
        const data = await load(ctl.signal);
        if (!stop) setState({ data, error: null });
      } catch (e) {
        ok = false;
        if (stop || (e as Error).name === 'AbortError') return;
        const text = e instanceof ApiError ? e.describe() : (e as Error).message;
        setState((s) => ({ data: s.data, error: text }));
      }
      const next = everyMs > 0 ? everyMs : ok ? 0 : 5000;
      if (!stop && next > 0) timer = setTimeout(run, next);
    };
    void run();
    return () => {
      stop = true;
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [load, everyMs]);
  return state;
}
