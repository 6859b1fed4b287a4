/** The Connectors tab: every connector with its live stage state, one in detail, and a form to add one. */
import { getMetrics, getVendors } from '../api/aam';
import { ErrorNote } from '../api/ErrorNote';
import { getFarmStatus } from '../api/farm';
import { usePoll } from '../api/usePoll';
import '../api/pages.css';
import { ConnectorDetail } from './ConnectorDetail';
import { ConnectorForm } from './ConnectorForm';
import { ConnectorTable } from './ConnectorTable';
import { loadConnectorsWithStatus } from './load';
import './connectors.css';

/** List (refreshed every 2 s), detail of `selectedId`, and the "New connector" form. */
export function ConnectorsPage(props: { selectedId: string | null; onSelect(id: string | null): void }) {
  const list = usePoll(loadConnectorsWithStatus, 2000, 'connectors');
  const metrics = usePoll(getMetrics, 2000, 'metrics');
  // The farm's services: the form refuses a farm service the farm does not have (the server does too).
  const farm = usePoll(getFarmStatus, 10_000, 'farm-status');
  // The flavours the form offers: the built-ins and any vendor a plug-in jar adds to the AAM.
  const vendors = usePoll(getVendors, 60_000, 'vendors');
  const rows = list.data ?? [];
  const selected = rows.find((r) => r.connector.id === props.selectedId) ?? null;
  return (
    <div className="connectors-page pages-page" data-testid="connectors-page">
      <section className="panel">
        <h2>Connectors</h2>
        <ErrorNote error={list.error} testId="connectors-error" />
        <ErrorNote error={metrics.error} />
        {!list.data && !list.error && <p className="muted">loading…</p>}
        <ConnectorTable rows={rows} metrics={metrics.data} selectedId={props.selectedId} onSelect={props.onSelect} />
      </section>
      {props.selectedId && list.data && !selected && (
        <p className="muted panel">
          No connector <code>{props.selectedId}</code>.
        </p>
      )}
      {selected && (
        <ConnectorDetail
          key={selected.connector.id}
          row={selected}
          metrics={metrics.data?.connectors[selected.connector.id]}
          onClose={() => props.onSelect(null)}
          onDeleted={() => {
            props.onSelect(null);
            list.refresh();
          }}
        />
      )}
      <ConnectorForm
        existing={rows.map((r) => r.connector.id)}
        farmServices={farm.data ? farm.data.services.map((s) => s.id) : null}
        flavors={vendors.data}
        onCreated={(id) => {
          list.refresh();
          props.onSelect(id);
        }}
      />
    </div>
  );
}
