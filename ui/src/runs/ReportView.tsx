/** A finished run's report: thresholds ✓/✗ with measured values, totals, latency percentiles, per-connector figures. */
import { num, PagesTable } from '../api/PagesTable';
import type { RunReport } from '../api/types';
import { formatCount, formatMs, formatPct, formatRps } from '../api/units';
import { thresholdView, verdictCounts } from './thresholds';

/** The thresholds table; rows carry `threshold-<i>`. */
export function ThresholdTable(props: { report: RunReport }) {
  const { passed, failed } = verdictCounts(props.report.thresholds);
  return (
    <PagesTable
      label="thresholds"
      columns={['verdict', 'metric', 'condition', num('measured'), 'expression']}
      caption={`${passed} passed, ${failed} failed`}
    >
      {props.report.thresholds.map((t, i) => {
        const v = thresholdView(t);
        return (
          <tr key={`${i}-${t.expr}`} data-testid={`threshold-${i}`} data-pass={t.pass}>
            <td className={t.pass ? 'pass-mark' : 'fail-mark'} aria-label={t.pass ? 'passed' : 'failed'}>
              {v.mark}
            </td>
            <td>{v.metric}</td>
            <td>{v.condition}</td>
            <td className="num">{v.value}</td>
            <td>
              <code className="expr">{t.expr}</code>
            </td>
          </tr>
        );
      })}
    </PagesTable>
  );
}

/** Totals and latency of a report as big numbers. */
export function TotalsView(props: { report: RunReport }) {
  const t = props.report.totals;
  const l = props.report.latency_ms;
  const s = (label: string, value: string, bad = false) => (
    <div className="stat" key={label}>
      <div className={`stat-value ${bad ? 'worse' : ''}`}>{value}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
  return (
    <div className="pages-grid">
      <div className="stat-grid" data-testid="run-totals">
        {s('logical ops', formatCount(t.logical_ops))}
        {s('succeeded', formatCount(t.succeeded))}
        {s('failed', formatCount(t.failed), t.failed > 0)}
        {s('success', formatPct(t.success_rate))}
        {s('retry success', formatPct(t.retry_success_rate))}
        {t.req_per_s !== undefined && s('achieved (succeeded/s)', formatRps(t.req_per_s))}
        {s('retries', formatCount(t.retries))}
        {s('DLQ pending', formatCount(t.dlq_pending))}
        {s('lost', formatCount(t.lost), t.lost > 0)}
        {s('duplicates', formatCount(t.duplicates), t.duplicates > 0)}
      </div>
      <div className="stat-grid" data-testid="run-latency">
        {s('p50', formatMs(l.p50))}
        {s('p95', formatMs(l.p95))}
        {s('p99', formatMs(l.p99))}
        {s('max', formatMs(l.max))}
      </div>
    </div>
  );
}

const FIGURE_COLUMNS = [
  'connector',
  ...['ops', 'failed', 'success', 'retry success', 'achieved req/s', 'p50', 'p99', 'DLQ', 'lost', 'dups'].map(num),
  'failures',
];

/** One row per connector of a report. */
export function ConnectorFiguresTable(props: { report: RunReport }) {
  const ids = Object.keys(props.report.connectors ?? {}).sort();
  if (ids.length === 0) return null;
  return (
    <PagesTable label="per connector" columns={FIGURE_COLUMNS}>
      {ids.map((id) => {
        const c = props.report.connectors[id];
        const failures = Object.entries(c.failures ?? {})
          .filter(([, n]) => n > 0)
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${k} ${n}`)
          .join(', ');
        return (
          <tr key={id} data-testid={`run-connector-${id}`}>
            <td>{id}</td>
            <td className="num">{formatCount(c.logical_ops)}</td>
            <td className="num">{formatCount(c.failed)}</td>
            <td className="num">{formatPct(c.success_rate)}</td>
            <td className="num">{formatPct(c.retry_success_rate)}</td>
            <td className="num">{c.req_per_s?.toFixed(1) ?? '—'}</td>
            <td className="num">{formatMs(c.latency_ms?.p50)}</td>
            <td className="num">{formatMs(c.latency_ms?.p99)}</td>
            <td className="num">{formatCount(c.dlq_pending)}</td>
            <td className={`num ${c.lost > 0 ? 'worse' : ''}`}>{formatCount(c.lost)}</td>
            <td className={`num ${c.duplicates > 0 ? 'worse' : ''}`}>{formatCount(c.duplicates)}</td>
            <td className="muted">{failures || '—'}</td>
          </tr>
        );
      })}
    </PagesTable>
  );
}
