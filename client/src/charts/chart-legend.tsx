/** A plain HTML legend above a chart: it wraps like text and never overlaps the plot. */
export interface LegendItem {
  label: string;
  color: string;
  /** A dashed line sample instead of a filled square. */
  line?: "solid" | "dashed" | "dotted";
}

export function ChartLegend({ items }: { items: LegendItem[] }) {
  return (
    <ul className="chart-legend">
      {items.map((item) => (
        <li key={item.label}>
          <span
            aria-hidden="true"
            className={item.line ? "legend-line" : "legend-box"}
            style={
              item.line
                ? { borderTopColor: item.color, borderTopStyle: item.line }
                : { background: item.color }
            }
          />
          {item.label}
        </li>
      ))}
    </ul>
  );
}

/** Punctuation tokens are easy to miss on an axis: show them in quotes. */
export function axisToken(token: string): string {
  return /^[\p{P}\p{S}]$/u.test(token) ? `“${token}”` : token;
}
