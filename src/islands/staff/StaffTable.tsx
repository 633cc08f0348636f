import type { ComponentChildren } from 'preact';

/** Props of a staff table. */
interface Props {
  /** Names the scrolling region; absent, the table does not scroll on its own (a chart's table). */
  region?: string | undefined;
  caption: ComponentChildren;
  /** The column headers, in order. */
  columns: readonly ComponentChildren[];
  testId?: string | undefined;
  /** The rows. */
  children: ComponentChildren;
}

/**
 * A table of the staff dashboards: a caption, column headers with their scope, and, when wide,
 * a focusable region of its own, so a keyboard user can scroll it without a mouse.
 */
export function StaffTable({ region, caption, columns, testId, children }: Props) {
  const table = (
    <table class="staff-table" data-testid={testId}>
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
    <div class="staff-table-wrap" tabIndex={0} role="region" aria-label={region}>
      {table}
    </div>
  );
}
