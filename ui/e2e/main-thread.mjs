// What a Chrome trace says about a page's main thread: each task's wall time and thread (CPU) time, and what ran in the
// costliest ones. A task's wall time includes the time the OS gave the CPU to other processes; its thread time is what
// the page itself cost, so it can be judged on a busy machine too. Used by the E2E and by scripts/profile-live.mjs.

/** The page's main thread: the busiest CrRendererMain of the trace. */
export function mainThread(events) {
  const named = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const tasks = new Map();
  for (const e of events) if (e.name === 'RunTask') tasks.set(`${e.pid}/${e.tid}`, (tasks.get(`${e.pid}/${e.tid}`) ?? 0) + 1);
  const best = named.sort((a, b) => (tasks.get(`${b.pid}/${b.tid}`) ?? 0) - (tasks.get(`${a.pid}/${a.tid}`) ?? 0))[0];
  return best ? { pid: best.pid, tid: best.tid } : null;
}

// Wrappers every task has; the work is in what they hold.
const WRAPPERS = new Set(['RunTask', 'ThreadControllerImpl::RunTask', 'v8.callFunction', 'Receive mojo message', 'SimpleWatcher::OnHandleReady']);

/**
 * The main thread's tasks (`RunTask` events) with `wallMs`, `cpuMs` and `what` (the child event that cost the most
 * thread time: Paint, FireAnimationFrame, a FunctionCall with its function and line, …), in time order. With `window`
 * (two `performance.mark` names, traced with the `blink.user_timing` category) only the tasks between the two marks:
 * not the tracing's own start and stop.
 */
export function mainThreadTasks(trace, window = null) {
  const events = Array.isArray(trace) ? trace : (trace.traceEvents ?? []);
  const main = mainThread(events);
  if (!main) return [];
  const mark = (name) => events.find((e) => e.name === name && e.pid === main.pid)?.ts;
  const from = window ? (mark(window[0]) ?? -Infinity) : -Infinity;
  const to = window ? (mark(window[1]) ?? Infinity) : Infinity;
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const out = [];
  for (let i = 0; i < onMain.length; i++) {
    const task = onMain[i];
    if (task.name !== 'RunTask' || task.ts < from || task.ts > to) continue;
    const end = task.ts + task.dur;
    const kids = new Map();
    for (let j = i + 1; j < onMain.length && onMain[j].ts <= end; j++) {
      const e = onMain[j];
      if (WRAPPERS.has(e.name)) continue;
      const d = e.args?.data ?? {};
      const k = e.name === 'FunctionCall' ? `FunctionCall ${d.functionName || '?'}@${String(d.url ?? '').split('/').pop()}:${d.lineNumber ?? ''}`
        : e.name === 'EventDispatch' ? `EventDispatch ${d.type}` : e.name;
      kids.set(k, (kids.get(k) ?? 0) + (e.tdur ?? e.dur ?? 0));
    }
    const what = [...kids].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'other';
    out.push({ at: task.ts, wallMs: task.dur / 1000, cpuMs: (task.tdur ?? task.dur) / 1000, what });
  }
  return out;
}
