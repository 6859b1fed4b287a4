/** A coloured badge for a run's or a DLQ entry's state (running, passed, failed, stopped, error, pending…). */
import '../api/pages.css';

/** A coloured state badge. */
export function StateBadge(props: { state: string; testId?: string }) {
  return (
    <span className={`badge state-${props.state}`} data-testid={props.testId}>
      {props.state}
    </span>
  );
}
