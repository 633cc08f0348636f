import { StaffTable } from './StaffTable.tsx';
import type { DashboardStrings } from './api.ts';

/** Props of an SVG bar chart. */
export interface BarChartProps {
  /** Element id prefix, unique on the page. */
  id: string;
  title: string;
  /** The first column's header in the data table. */
  labelHeader: string;
  valueHeader: string;
  data: { label: string; value: number }[];
  t: DashboardStrings;
}

/**
 * A bar chart made of text and boxes, with no library: each bar carries its label and value as
 * text at the page's own size, so it stays readable on a phone where a scaled SVG would shrink
 * its text; the bars' widths alone show the proportions (nothing rests on colour), and the same
 * figures follow as a table.
 */
export function BarChart({ id, title, labelHeader, valueHeader, data, t }: BarChartProps) {
  const max = Math.max(1, ...data.map((d) => d.value));
  return (
    <figure class="staff-chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {data.length === 0 ? (
        <p>{t.noData}</p>
      ) : (
        <ol class="staff-chart__bars" data-chart={id}>
          {data.map((d) => (
            <li key={d.label}>
              <span class="staff-chart__label">{d.label}</span>
              <span class="staff-chart__track">
                <span
                  class="staff-chart__bar"
                  style={{ width: `${String((d.value / max) * 100)}%` }}
                />
              </span>
              <span class="staff-chart__value">{d.value}</span>
            </li>
          ))}
        </ol>
      )}
      {data.length > 0 && (
        <details>
          <summary>{t.showTable}</summary>
          <StaffTable caption={title} columns={[labelHeader, valueHeader]}>
            {data.map((d) => (
              <tr key={d.label}>
                <th scope="row">{d.label}</th>
                <td class="num">{d.value}</td>
              </tr>
            ))}
          </StaffTable>
        </details>
      )}
    </figure>
  );
}
