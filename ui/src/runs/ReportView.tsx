/** A finished run's report: thresholds ✓/✗ with measured values, totals, latency percentiles, per-connector figures. */
import type { RunReport } from '../api/types';
import { formatCount, formatMs, formatPct, formatRps } from '../api/units';
import { thresholdView, verdictCounts } from './thresholds';

/** The thresholds table; rows carry `threshold-<i>`. */
export function ThresholdTable(props: { report: RunReport }) {
  const { passed, failed } = verdictCounts(props.report.thresholds);
  return (
    <div className="pages-table-wrap">
      <table className="pages-table" aria-label="thresholds">
        <caption className="muted" style={{ textAlign: 'left' }}>
          {passed} passed, {failed} failed
        </caption>
        <thead>
          <tr>
            <th scope="col">verdict</th>
            <th scope="col">metric</th>
            <th scope="col">condition</th>
            <th scope="col" className="num">measured</th>
            <th scope="col">expression</th>
          </tr>
        </thead>
        <tbody>
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
        </tbody>
      </table>
    </div>
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
        {t.req_per_s !== undefined && s('throughput', formatRps(t.req_per_s))}
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

/** One row per connector of a report. */
export function ConnectorFiguresTable(props: { report: RunReport }) {
  const ids = Object.keys(props.report.connectors ?? {}).sort();
  if (ids.length === 0) return null;
  return (
    <div className="pages-table-wrap">
      <table className="pages-table" aria-label="per connector">
        <thead>
          <tr>
            <th scope="col">connector</th>
            <th scope="col" className="num">ops</th>
            <th scope="col" className="num">failed</th>
            <th scope="col" className="num">success</th>
            <th scope="col" className="num">retry success</th>
            <th scope="col" className="num">req/s</th>
            <th scope="col" className="num">p50</th>
            <th scope="col" className="num">p99</th>
            <th scope="col" className="num">DLQ</th>
            <th scope="col" className="num">lost</th>
            <th scope="col" className="num">dups</th>
            <th scope="col">failures</th>
          </tr>
        </thead>
        <tbody>
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
        </tbody>
      </table>
    </div>
  );
}
