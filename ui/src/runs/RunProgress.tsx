/** A running run's live progress: elapsed/total, operations, req/s, success %, p99, DLQ depth, open circuits. */
import type { RunLive } from '../api/types';
import { formatCount, formatMs, formatPct, formatRps, formatSeconds } from '../api/units';

/** Live figures of a run in progress, with a progress bar. */
export function RunProgress(props: { live: RunLive; testId?: string }) {
  const { live } = props;
  const frac = live.total_s > 0 ? Math.min(1, live.elapsed_s / live.total_s) : 0;
  const stat = (label: string, value: string, id: string) => (
    <div className="stat" data-testid={props.testId ? `${props.testId}-${id}` : undefined}>
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
  return (
    <div className="run-progress" data-testid={props.testId}>
      <progress max={1} value={frac} aria-label="run progress">
        {Math.round(frac * 100)} %
      </progress>
      <div className="stat-grid">
        {stat('elapsed / total', `${formatSeconds(live.elapsed_s)} / ${formatSeconds(live.total_s)}`, 'elapsed')}
        {live.phase && stat('phase', live.phase, 'phase')}
        {stat('operations', formatCount(live.ops), 'ops')}
        {stat('throughput', formatRps(live.req_per_s), 'rps')}
        {stat('success', formatPct(live.success_rate), 'success')}
        {stat('p99 latency', formatMs(live.p99_ms), 'p99')}
        {stat('DLQ depth', formatCount(live.dlq_depth), 'dlq')}
        {stat('open circuits', formatCount(live.open_circuits), 'circuits')}
      </div>
    </div>
  );
}
