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
 * A bar chart drawn as SVG with no library: each bar carries its value as text (nothing rests on
 * colour), the SVG is named by its title, and the same figures follow as a table.
 */
export function BarChart({ id, title, labelHeader, valueHeader, data, t }: BarChartProps) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const row = 28;
  const labelWidth = 130;
  const width = 480;
  const barSpace = width - labelWidth - 50;
  const height = Math.max(row, data.length * row) + 8;
  const cut = (s: string) => (s.length > 18 ? `${s.slice(0, 17)}…` : s);
  return (
    <figure class="staff-chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {data.length === 0 ? (
        <p>{t.noData}</p>
      ) : (
        <svg
          viewBox={`0 0 ${String(width)} ${String(height)}`}
          role="img"
          aria-labelledby={`${id}-svgtitle`}
          data-chart={id}
        >
          <title id={`${id}-svgtitle`}>
            {`${title}: ${data.map((d) => `${d.label} ${String(d.value)}`).join(', ')}`}
          </title>
          {data.map((d, i) => {
            const y = 4 + i * row;
            const w = Math.max(2, (d.value / max) * barSpace);
            return (
              <g key={d.label}>
                <text x={labelWidth - 6} y={y + 18} text-anchor="end" font-size="13" fill="#1b1b1b">
                  {cut(d.label)}
                </text>
                <rect x={labelWidth} y={y + 4} width={w} height={row - 10} fill="#0b5cad" />
                <text x={labelWidth + w + 6} y={y + 18} font-size="13" fill="#1b1b1b">
                  {d.value}
                </text>
              </g>
            );
          })}
          <line x1={labelWidth} x2={labelWidth} y1={0} y2={height} stroke="#1b1b1b" />
        </svg>
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
