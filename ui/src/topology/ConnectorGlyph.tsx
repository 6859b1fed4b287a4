/** The Hystrix-style glyph of a connector: a circle sized by request rate, coloured by error %, ringed by circuit. */
import { glyphRadius, healthColor, ringStyle } from './glyph';

/** The glyph's SVG box size (px). */
export const GLYPH_BOX = 72;

/** Circle and ring of one connector (decorative: the node's text says the same). */
export function ConnectorGlyph(props: { reqPerS: number | null; errorPct: number | null; circuit: number | null }) {
  const r = glyphRadius(props.reqPerS);
  const ring = ringStyle(props.circuit);
  const c = GLYPH_BOX / 2;
  return (
    <svg width={GLYPH_BOX} height={GLYPH_BOX} viewBox={`0 0 ${GLYPH_BOX} ${GLYPH_BOX}`} aria-hidden="true" className="glyph">
      <circle cx={c} cy={c} r={r} fill={healthColor(props.errorPct)} fillOpacity={0.85} />
      <circle
        cx={c}
        cy={c}
        r={Math.min(c - ring.width / 2, r + 3 + ring.width / 2)}
        fill="none"
        stroke={ring.color}
        strokeWidth={ring.width}
        strokeDasharray={ring.dash || undefined}
      />
    </svg>
  );
}
