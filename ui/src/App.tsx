/** The control room's shell: a header with the live chaos levels, and one tab per view (kept in the URL hash). */
import { memo, useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { ChaosBar } from './chaos/ChaosBar';
import { ConnectorsPage } from './connectors/ConnectorsPage';
import { DlqPage } from './dlq/DlqPage';
import { LiveProvider, useLiveContext } from './live/LiveProvider';
import { LiveView } from './live/LiveView';
import { formatHash, parseHash, tabForKey, TABS, type Route, type Tab } from './live/route';
import { NodesBadge } from './nodes/NodesBadge';
import { RunsPage } from './runs/RunsPage';
import { WorkflowsPage } from './workflows/WorkflowsPage';

const TAB_LABELS: Record<Tab, string> = {
  live: 'Live',
  connectors: 'Connectors',
  workflows: 'Workflows',
  dlq: 'DLQ',
  runs: 'Runs',
};

// The pages poll on their own; memo keeps them from re-rendering at every live update of the shell.
const Connectors = memo(ConnectorsPage);
const Workflows = memo(WorkflowsPage);
const Dlq = memo(DlqPage);
const Runs = memo(RunsPage);
const Live = memo(LiveView);

/** The current route, following `location.hash` (back/forward and links included). */
function useHashRoute(): [Route, (r: Route) => void] {
  const [route, setRoute] = useState<Route>(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const go = useCallback((r: Route) => {
    const h = formatHash(r);
    if (window.location.hash !== h) window.location.hash = h;
    setRoute(r);
  }, []);
  return [route, go];
}

/** "live" while the event stream is open, "reconnecting" otherwise. */
function SseStatus(props: { connected: boolean }) {
  return (
    <span className={`sse-status ${props.connected ? 'ok' : 'down'}`} data-testid="sse-status" role="status" title="AAM event stream">
      {props.connected ? 'live' : 'reconnecting'}
    </span>
  );
}

/** Tabs as real buttons (role tab); arrow keys, Home and End move between them. */
function Tabs(props: { tab: Tab; onTab(t: Tab): void }) {
  const refs = useRef(new Map<Tab, HTMLButtonElement>());
  const onKey = (e: KeyboardEvent) => {
    const next = tabForKey(props.tab, e.key);
    if (!next) return;
    e.preventDefault();
    props.onTab(next);
    refs.current.get(next)?.focus();
  };
  return (
    <nav className="tabs" role="tablist" aria-label="views" onKeyDown={onKey}>
      {TABS.map((t) => (
        <button
          key={t}
          ref={(el) => {
            if (el) refs.current.set(t, el);
            else refs.current.delete(t);
          }}
          type="button"
          role="tab"
          id={`tab-${t}`}
          aria-controls={`panel-${t}`}
          aria-selected={props.tab === t}
          tabIndex={props.tab === t ? 0 : -1}
          className="tab"
          data-testid={`tab-${t}`}
          onClick={() => props.onTab(t)}
        >
          {TAB_LABELS[t]}
        </button>
      ))}
    </nav>
  );
}

function Shell() {
  const { live } = useLiveContext();
  const [route, go] = useHashRoute();
  const onTab = useCallback((t: Tab) => go({ tab: t, id: null }), [go]);
  const selectConnector = useCallback((id: string | null) => go({ tab: 'connectors', id }), [go]);
  const selectRun = useCallback((id: string | null) => go({ tab: 'runs', id }), [go]);
  const connectorId = route.tab === 'connectors' ? route.id : null;
  const runId = route.tab === 'runs' ? route.id : null;

  return (
    <div className="app">
      <header className="app-header">
        <div className="app-title">
          <h1>AAM Gauntlet</h1>
          <SseStatus connected={live.connected} />
          <NodesBadge />
        </div>
        <ChaosBar live={live} />
        <Tabs tab={route.tab} onTab={onTab} />
      </header>
      <main className="app-main" role="tabpanel" id={`panel-${route.tab}`} aria-labelledby={`tab-${route.tab}`}>
        {route.tab === 'live' ? <Live /> : null}
        {route.tab === 'connectors' ? <Connectors selectedId={connectorId} onSelect={selectConnector} /> : null}
        {route.tab === 'workflows' ? <Workflows /> : null}
        {route.tab === 'dlq' ? <Dlq /> : null}
        {route.tab === 'runs' ? <Runs selectedId={runId} onSelect={selectRun} /> : null}
      </main>
    </div>
  );
}

/** The whole app: one live connection shared by every view. */
export function App() {
  return (
    <LiveProvider>
      <Shell />
    </LiveProvider>
  );
}
