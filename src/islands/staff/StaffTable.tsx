import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

/** Props of a staff table. */
interface Props {
  /** Names the table's region; absent, the table is not a region of its own (a chart's table). */
  region?: string | undefined;
  caption: ComponentChildren;
  /** The column headers, in order. */
  columns: readonly ComponentChildren[];
  testId?: string | undefined;
  /** The rows. */
  children: ComponentChildren;
}

/**
 * A table of the staff dashboards: a caption and column headers with their scope. Its cells wrap
 * rather than run off the page; on a narrow screen (under 48rem) each row becomes a card, every
 * cell labelled with its column's header (set here from the header row, so the rows need not
 * repeat it), and nothing scrolls sideways. A region names it for screen reader users.
 */
export function StaffTable({ region, caption, columns, testId, children }: Props) {
  const ref = useRef<HTMLTableElement>(null);
  useLayoutEffect(() => {
    const table = ref.current;
    if (table === null) return;
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    for (const row of table.tBodies[0]?.rows ?? []) {
      [...row.cells].forEach((cell, index) => {
        const label = row.cells.length === headers.length ? (headers[index] ?? '') : '';
        if (cell.dataset.label !== label) cell.dataset.label = label;
      });
    }
  });
  const table = (
    <table class="staff-table" data-testid={testId} ref={ref}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th scope="col" key={index}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  if (region === undefined) return table;
  return (
    <div class="staff-table-wrap" role="region" aria-label={region}>
      {table}
    </div>
  );
}
