/** Two reports side by side (two runs, or a run and its naive baseline): thresholds, totals, latency, differences. */
import type { RunReport } from '../api/types';
import { compareReports, formatDiff, formatSide, type CompareRow } from './compare';

const HOLLOW = 'looks better only because this side lost or duplicated writes';

function cls(row: CompareRow, side: 'a' | 'b'): string {
  return row.winner === side ? 'better' : row.hollow === side ? 'hollow' : '';
}

function Cells(props: { row: CompareRow }) {
  const { row } = props;
  return (
    <>
      <td className={`num ${cls(row, 'a')}`} title={row.hollow === 'a' ? HOLLOW : undefined}>{formatSide(row, 'a')}{row.hollow === 'a' ? ' ⚠' : ''}</td>
      <td className={`num ${cls(row, 'b')}`} title={row.hollow === 'b' ? HOLLOW : undefined}>{formatSide(row, 'b')}{row.hollow === 'b' ? ' ⚠' : ''}</td>
      <td className={`num ${row.winner === 'b' ? 'better' : row.winner === 'a' ? 'worse' : ''}`}>{formatDiff(row.unit, row.diff)}</td>
    </>
  );
}

const mark = (p: boolean | null) => (p === null ? '' : p ? '✓ ' : '✗ ');

/** A table comparing report `a` (left) with `b` (right); the difference is right minus left, the better side in green. */
export function CompareTable(props: { a: RunReport; b: RunReport; labelA: string; labelB: string; testId?: string }) {
  const c = compareReports(props.a, props.b);
  const head = (title: string) => (
    <tr>
      <th scope="col">{title}</th>
      <th scope="col" className="num">{props.labelA}</th>
      <th scope="col" className="num">{props.labelB}</th>
      <th scope="col" className="num">difference</th>
    </tr>
  );
  return (
    <div className="pages-table-wrap" data-testid={props.testId}>
      {c.warnings.map((w) => (
        <p key={w} className="warn-note" role="note" data-testid="compare-warning">
          ⚠ {w}
        </p>
      ))}
      <table className="pages-table compare-table">
        {c.thresholds.length > 0 && (
          <tbody>
            {head('threshold')}
            {c.thresholds.map((t, i) => (
              <tr key={t.expr} data-testid={`compare-threshold-${i}`}>
                <td><code>{t.expr}</code></td>
                <td className={`num ${cls(t, 'a')}`} title={t.hollow === 'a' ? HOLLOW : undefined}>
                  <span className={t.passA ? 'pass-mark' : 'fail-mark'}>{mark(t.passA)}</span>
                  {t.passA === null ? '—' : formatSide(t, 'a')}
                </td>
                <td className={`num ${cls(t, 'b')}`} title={t.hollow === 'b' ? HOLLOW : undefined}>
                  <span className={t.passB ? 'pass-mark' : 'fail-mark'}>{mark(t.passB)}</span>
                  {t.passB === null ? '—' : formatSide(t, 'b')}
                </td>
                <td className="num">{formatDiff(t.unit, t.diff)}</td>
              </tr>
            ))}
          </tbody>
        )}
        {(
          [
            ['what was kept', c.outcome],
            ['latency', c.latency],
            ['the rest', c.totals],
          ] as const
        ).map(([title, rows]) => (
          <tbody key={title}>
            {head(title)}
            {rows.map((r) => (
              <tr key={r.key} data-testid={`compare-row-${r.key}`}>
                <td>{r.key}</td>
                <Cells row={r} />
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}
