/**
 * KL(empirical ‖ theory) against N on log-log axes, with what chance alone gives N honest samples on average:
 * the exact expectation ([EKL2], sent by the server with every point) as the main reference, and the
 * first-order (k − 1) / (2 N ln 2) ([EKL1]) as a lighter dashed line, right only once N ≫ k.
 */
import { memo, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, XAxis, YAxis } from "recharts";
import type { KlPoint } from "@tokenroom/shared";
import { formatInt } from "../lib/format.ts";
import { SERIES } from "../lib/prob-colors.ts";
import { ChartLegend, type LegendItem } from "./chart-legend.tsx";
import { logTicks } from "./distribution-data.ts";
import { type KlDomains, klDomains, klRows } from "./kl-data.ts";

const tickLabel = (v: number) =>
  v >= 1 ? formatInt(v) : v >= 1e-3 ? String(Number(v.toPrecision(1))) : v.toExponential(0);

export interface KlChartProps {
  history: KlPoint[];
  support: number;
  height?: number;
  /** Fixed axes (a replay keeps the whole curve's axes while it grows); else they span the data. */
  domains?: KlDomains;
  /** px of the tick and axis labels (the projector's presentation mode uses larger ones). */
  fontSize?: number;
  /** Hide the whole-completions line and, with the exact curve, the shortcut (presentation mode: one thing at a time). */
  firstOnly?: boolean;
}

export const KlChart = memo(function KlChart({
  history,
  support,
  height = 320,
  domains: fixed,
  fontSize = 16,
  firstOnly = false,
}: KlChartProps) {
  const { t } = useTranslation();
  const data = useMemo(() => klRows(history, support), [history, support]);
  // without the whole-completions line its ~35 bits must not stretch the axis
  const domains = useMemo(
    () => fixed ?? klDomains(firstOnly ? data.map((d) => ({ ...d, completion: null })) : data),
    [fixed, data, firstOnly],
  );
  if (data.length === 0) return <p className="hint">{t("charts.noSamples")}</p>;
  if (support <= 1) return <p className="hint">{t("charts.klGreedy")}</p>;
  // a first batch is one point: a lone dot on log axes reads as a glyph fragment, so wait for a second one
  if (data.length < 2 && !fixed) return <p className="hint">{t("charts.klFew")}</p>;
  const dot = data.length <= 30 ? { r: Math.max(4, fontSize / 4) } : false;
  const exact = data.some((d) => d.expected !== null);
  const approxLabel = t("charts.klApprox", { k: formatInt(support) });
  const legend: LegendItem[] = [
    { label: t("charts.klFirst"), color: SERIES.firstKl, line: "solid" },
    ...(firstOnly
      ? []
      : [{ label: t("charts.klCompletion"), color: SERIES.completionKl, line: "dotted" as const }]),
    ...(exact ? [{ label: t("charts.klExpected"), color: SERIES.expectedKl, line: "solid" as const }] : []),
    // presentation mode shows the exact curve only (the shortcut is for the laptop's closer look)
    ...(firstOnly && exact
      ? []
      : [{ label: approxLabel, color: SERIES.approximateKl, line: "dashed" as const }]),
  ];
  return (
    <figure className="chart" aria-label={t("charts.klAria")}>
      <ChartLegend items={legend} />
      <ResponsiveContainer width="100%" height={height}>
        <LineChart
          data={data}
          margin={{ top: 8, right: fontSize * 1.5, bottom: fontSize * 1.5, left: fontSize * 0.75 }}
        >
          <CartesianGrid stroke="#ccc" />
          <XAxis
            dataKey="n"
            type="number"
            scale="log"
            domain={domains.x}
            ticks={logTicks(1, domains.x[1])}
            tickFormatter={tickLabel}
            allowDataOverflow
            tick={{ fontSize, fill: "#111" }}
            height={fontSize * 2.5}
            label={{
              value: t("charts.klX"),
              position: "insideBottom",
              offset: -fontSize,
              fontSize,
              fill: "#111",
            }}
          />
          <YAxis
            type="number"
            scale="log"
            domain={domains.y}
            ticks={logTicks(domains.y[0], domains.y[1])}
            tickFormatter={tickLabel}
            allowDataOverflow
            width={fontSize * 5}
            tick={{ fontSize, fill: "#111" }}
            label={{
              value: t("charts.klY"),
              angle: -90,
              position: "insideLeft",
              fontSize,
              dy: fontSize * 2,
              fill: "#111",
            }}
          />
          {firstOnly && exact ? null : (
            <Line
              dataKey="approximation"
              name={approxLabel}
              stroke={SERIES.approximateKl}
              strokeWidth={2}
              strokeDasharray="8 6"
              dot={false}
              isAnimationActive={false}
            />
          )}
          {exact ? (
            <Line
              dataKey="expected"
              name={t("charts.klExpected")}
              stroke={SERIES.expectedKl}
              strokeWidth={3}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ) : null}
          <Line
            dataKey="first"
            name={t("charts.klFirst")}
            stroke={SERIES.firstKl}
            strokeWidth={3}
            dot={dot}
            isAnimationActive={false}
            connectNulls
          />
          {firstOnly ? null : (
            <Line
              dataKey="completion"
              name={t("charts.klCompletion")}
              stroke={SERIES.completionKl}
              strokeWidth={3}
              strokeDasharray="2 4"
              dot={dot}
              isAnimationActive={false}
              connectNulls
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});
