/** Empirical vs theoretical first-token distribution as side-by-side horizontal bars (recharts, no animation). */
import { memo, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer } from "recharts";
import type { RoundStats, TheoryView } from "@tokenroom/shared";
import { formatPercent } from "../lib/format.ts";
import { SERIES } from "../lib/prob-colors.ts";
import { axisToken, ChartLegend } from "./chart-legend.tsx";
import { firstTokenRows } from "./distribution-data.ts";
import { percentXAxis, tokenYAxis } from "./bar-axes.tsx";
import { percentAxis } from "./percent-axis.ts";
import { ChartTable } from "./chart-table.tsx";

export interface DistributionChartProps {
  stats: RoundStats | null;
  theory: TheoryView | null;
  maxRows?: number;
  /** px per token row; the projector uses bigger rows than a phone. */
  rowHeight?: number;
  fontSize?: number;
}

export const DistributionChart = memo(function DistributionChart({
  stats,
  theory,
  maxRows = 12,
  rowHeight = 40,
  fontSize = 16,
}: DistributionChartProps) {
  const { t } = useTranslation();
  const rows = useMemo(
    () =>
      firstTokenRows(stats, theory, t("charts.other"), maxRows).map((r) =>
        // "other" can hold most of the mass of a flat distribution (T = 2.5): its bar is cut at the axis's
        // end and its share written into the label, so the words' bars keep a readable scale
        r.other
          ? {
              ...r,
              token: `${r.token} ${formatPercent(r.empirical)}${r.theory === null ? "" : ` / ${formatPercent(r.theory)}`}`,
            }
          : r,
      ),
    [stats, theory, t, maxRows],
  );
  const axis = useMemo(() => {
    const words = rows.filter((r) => !r.other);
    const top = Math.max(
      0,
      ...(words.length ? words : rows).map((r) => Math.max(r.empirical, r.theory ?? 0)),
    );
    return percentAxis(top);
  }, [rows]);
  const labelWidth = useMemo(
    () =>
      Math.min(
        fontSize * 10,
        24 + fontSize * 0.62 * Math.max(4, ...rows.map((r) => axisToken(r.token).length)),
      ),
    [rows, fontSize],
  );
  if (rows.length === 0) return <p className="hint">{t("charts.noSamples")}</p>;
  const n = stats?.n ?? 0;
  return (
    <figure className="chart" aria-label={t("charts.firstTokenAria", { count: n })}>
      <ChartLegend
        items={[
          { label: t("charts.empirical", { count: n }), color: SERIES.empirical },
          ...(theory ? [{ label: t("charts.theory"), color: SERIES.theory }] : []),
        ]}
      />
      <ResponsiveContainer width="100%" height={rows.length * rowHeight + fontSize * 2.5 + 8}>
        <BarChart
          data={rows}
          layout="vertical"
          margin={{ top: 4, right: 24, bottom: 4, left: 4 }}
          barGap={2}
          barCategoryGap="18%"
        >
          <CartesianGrid horizontal={false} stroke="#bbb" />
          {percentXAxis(axis, fontSize, t("charts.shareAxis"))}
          {tokenYAxis(labelWidth, fontSize)}
          <Bar
            dataKey="empirical"
            name={t("charts.empirical", { count: n })}
            fill={SERIES.empirical}
            isAnimationActive={false}
          />
          {theory ? (
            <Bar dataKey="theory" name={t("charts.theory")} fill={SERIES.theory} isAnimationActive={false} />
          ) : null}
        </BarChart>
      </ResponsiveContainer>
      <ChartTable caption={t("charts.firstTokenAria", { count: n })}>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.token}</th>
              <td>{formatPercent(r.empirical)}</td>
              <td>{r.theory === null ? "" : formatPercent(r.theory)}</td>
            </tr>
          ))}
        </tbody>
      </ChartTable>
    </figure>
  );
});
