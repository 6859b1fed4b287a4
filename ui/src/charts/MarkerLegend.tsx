/** The markers' legend (colour of each kind) and the latest markers as text, for keyboard and screen readers. */
import { MARKER_COLORS, MARKER_NAMES } from '../live/markers';
import { clock } from '../live/time';
import type { Marker, MarkerKind } from '../live/types';

/** Legend of marker kinds plus the `recent` markers, newest first. */
export function MarkerLegend(props: { recent: readonly Marker[] }) {
  const kinds = Object.keys(MARKER_COLORS) as MarkerKind[];
  return (
    <div className="marker-legend" data-testid="marker-legend">
      <ul className="marker-kinds" aria-label="marker kinds">
        {kinds.map((k) => (
          <li key={k}>
            <span className={`marker-swatch marker-${k}`} style={{ borderColor: MARKER_COLORS[k] }} aria-hidden="true" />
            {MARKER_NAMES[k]}
          </li>
        ))}
      </ul>
      <details className="marker-recent">
        <summary>
          Latest markers ({props.recent.length})
        </summary>
        {props.recent.length === 0 ? (
          <p className="muted">None in this window yet.</p>
        ) : (
          <ol data-testid="marker-list">
            {props.recent.map((m, i) => (
              <li key={`${m.t}-${i}`}>
                <span style={{ color: MARKER_COLORS[m.kind] }}>■</span> <time>{clock(m.t)}</time> {m.label}
              </li>
            ))}
          </ol>
        )}
      </details>
    </div>
  );
}
