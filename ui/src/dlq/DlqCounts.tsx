/** The DLQ's counts as big numbers: pending, processed, failed, and replaying / succeeded / dead / discarded. */
import type { DlqStats } from '../api/types';
import { formatCount, formatSeconds } from '../api/units';

/** Big-number tiles of the DLQ's stats (`dlq-count-<name>`). */
export function DlqCounts(props: { stats: DlqStats | null }) {
  const s = props.stats;
  const tile = (name: keyof DlqStats, label: string, big: boolean, tone = '') => (
    <div className={`stat ${big ? 'big' : ''}`} key={name}>
      <div className={`stat-value ${tone}`} data-testid={`dlq-count-${name}`}>
        {s ? formatCount(s[name] as number) : '—'}
      </div>
      <div className="stat-label">{label}</div>
    </div>
  );
  return (
    <div className="stat-grid" aria-label="DLQ counts">
      {tile('pending', 'pending', true, s && s.pending > 0 ? 'warn-text' : '')}
      {tile('processed', 'processed', true)}
      {tile('failed', 'failed', true, s && s.failed > 0 ? 'worse' : '')}
      {tile('replaying', 'replaying', false)}
      {tile('succeeded', 'succeeded', false)}
      {tile('dead', 'dead', false, s && s.dead > 0 ? 'worse' : '')}
      {tile('discarded', 'discarded', false)}
      <div className="stat">
        <div className="stat-value" data-testid="dlq-oldest-pending">
          {s && s.pending > 0 ? formatSeconds(s.oldest_pending_age_s) : '—'}
        </div>
        <div className="stat-label">oldest pending</div>
      </div>
    </div>
  );
}
