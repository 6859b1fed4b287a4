/** The pages' data table: a scrollable wrap, a labelled table, one header row and the caller's rows. */
import type { ReactNode } from 'react';
import './pages.css';

/** A column heading; `num` right-aligns the column (it holds numbers). */
export interface Column {
  label: string;
  num?: boolean;
}

/** A right-aligned (numeric) column heading. */
export function num(label: string): Column {
  return { label, num: true };
}

/** A `pages-table` labelled `label` with `columns` as headings (a string is a plain column); `children` are its rows. */
export function PagesTable(props: { label: string; columns: readonly (string | Column)[]; caption?: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <div className="pages-table-wrap">
      <table className="pages-table" aria-label={props.label} data-testid={props.testId}>
        {props.caption !== undefined && (
          <caption className="muted" style={{ textAlign: 'left' }}>
            {props.caption}
          </caption>
        )}
        <thead>
          <tr>
            {props.columns.map((c) => {
              const col = typeof c === 'string' ? { label: c } : c;
              return (
                <th key={col.label} scope="col" className={col.num ? 'num' : undefined}>
                  {col.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
