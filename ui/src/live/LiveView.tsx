/** The Live tab: the topology on top, the chaos panel beside it, and the charts on one timeline below. */
import { memo, useCallback, useMemo } from 'react';
import { ApiError, getJson } from '../api/http';
import type { RunDetail } from '../api/types';
import { usePoll } from '../api/usePoll';
import { ChartGrid as ChartGridView, type ChartConnector } from '../charts/ChartGrid';
import { ChaosPanel } from '../chaos/ChaosPanel';
import { Topology as TopologyView } from '../topology/Topology';
import type { TopoConnector } from '../topology/graph';
import { useLiveContext } from './LiveProvider';

interface ConnectorsAnswer {
  connectors: { id: string; service?: string | null; flavor?: string | null }[];
}
interface WorkflowsAnswer {
  workflows: { name: string; description: string }[];
}

const loadConnectors = (signal: AbortSignal) => getJson<ConnectorsAnswer>('/api/connectors', signal);
const loadWorkflows = (signal: AbortSignal) => getJson<WorkflowsAnswer>('/api/workflows', signal);
const NONE: TopoConnector[] = [];
const NO_WORKFLOWS: WorkflowsAnswer['workflows'] = [];

// The live state changes several times a second (events); these two only need to redraw when their props change
// (the store tells them about new rows itself).
const Topology = memo(TopologyView);
const ChartGrid = memo(ChartGridView);

function errorText(e: Error | null): string | null {
  if (!e) return null;
  return e instanceof ApiError ? e.describe() : e.message;
}

/** The live control room view. */
export function LiveView() {
  const { live, store, farm, farmError } = useLiveContext();
  // Connectors can be added on the Connectors tab: poll them; workflows come with the server, load them once.
  const connectors = usePoll(loadConnectors, 5000, 'connectors');
  const workflows = usePoll(loadWorkflows, 0, 'workflows');
  // The verdict live: the run in progress's thresholds on the run so far (the harness evaluates the report's own).
  const runId = live.activeRun?.id ?? null;
  const loadRun = useMemo(
    () => (runId == null ? null : (signal: AbortSignal) => getJson<RunDetail>(`/api/runs/${encodeURIComponent(runId)}`, signal)),
    [runId],
  );
  const run = usePoll(loadRun, 2000, `run-${runId ?? ''}`);
  const thresholds = runId != null && run.data?.state === 'running' ? (run.data.live?.thresholds ?? null) : null;
  const runStart = runId != null && run.data?.started ? Date.parse(run.data.started) / 1000 : null;
  const list: TopoConnector[] = connectors.data?.connectors ?? NONE;
  const chartConnectors: ChartConnector[] = useMemo(() => list.map((c) => ({ id: c.id, service: c.service ?? null })), [list]);
  const open = useCallback((id: string) => {
    window.location.hash = `#/connectors/${encodeURIComponent(id)}`;
  }, []);

  return (
    <div className="live-view">
      <div className="live-top">
        <div className="live-main">
          {[errorText(connectors.error), errorText(workflows.error), farmError].filter(Boolean).map((e) => (
            <p key={e} className="error-text" role="alert">
              {e}
            </p>
          ))}
          <Topology
            store={store}
            farm={farm}
            connectors={list}
            workflows={workflows.data?.workflows ?? NO_WORKFLOWS}
            activeRun={live.activeRun}
            onOpenConnector={open}
          />
        </div>
        <aside className="live-side" aria-label="chaos control">
          <ChaosPanel />
        </aside>
      </div>
      <ChartGrid
        store={store}
        connectors={chartConnectors}
        thresholds={thresholds}
        thresholdsLive
        runId={runId}
        baselineStart={runStart}
      />
    </div>
  );
}
