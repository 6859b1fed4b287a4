import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { num, PagesTable } from './PagesTable';

describe('PagesTable', () => {
  it('renders the labelled table with column headings (numeric ones right-aligned), the caption and the rows', () => {
    render(
      <PagesTable label="per connector" columns={['connector', num('ops')]} caption="2 passed" testId="t">
        <tr>
          <td>stripe_mock</td>
          <td className="num">3</td>
        </tr>
      </PagesTable>,
    );
    const table = screen.getByRole('table', { name: 'per connector' });
    expect(table.dataset.testid).toBe('t');
    expect(table.parentElement?.className).toBe('pages-table-wrap');
    const heads = within(table).getAllByRole('columnheader');
    expect(heads.map((h) => [h.textContent, h.getAttribute('scope'), h.getAttribute('class')])).toEqual([
      ['connector', 'col', null],
      ['ops', 'col', 'num'],
    ]);
    expect(table.querySelector('caption')?.textContent).toBe('2 passed');
    expect(within(table).getByRole('cell', { name: 'stripe_mock' })).toBeTruthy();
  });

  it('has no caption unless given one', () => {
    render(
      <PagesTable label="x" columns={['a']}>
        {null}
      </PagesTable>,
    );
    expect(screen.getByRole('table', { name: 'x' }).querySelector('caption')).toBeNull();
  });
});
