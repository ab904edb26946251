/** The projector's guess-round charts: the class's average guess against the truth, and the scores' histogram. */
import { memo, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, XAxis, YAxis } from "recharts";
import { formatNumber, formatPercent } from "../lib/format.ts";
import { SERIES } from "../lib/prob-colors.ts";
import { axisToken, ChartLegend } from "./chart-legend.tsx";
import { percentXAxis, tokenYAxis } from "./bar-axes.tsx";
import { guessRows, scoreHistogram } from "./guess-data.ts";
import { percentAxis } from "./percent-axis.ts";
import { ChartTable } from "./chart-table.tsx";

/** Tick and label size (px) on the host's own view: readable on a laptop and from the first rows. */
const FONT = 18;
const percentLabel = (v: unknown) => (typeof v === "number" ? formatPercent(v) : "");

export interface GuessChartSize {
  /** Ticks, category labels and value labels (px); presentation mode passes its back-row size. */
  fontSize?: number;
  /** The plot's height (px, or "100%" to fill a parent of definite height); by default from the rows. */
  height?: number | `${number}%`;
}

export const GuessTruthChart = memo(function GuessTruthChart({
  labels,
  average,
  truth,
  fontSize = FONT,
  height,
}: {
  labels: string[];
  average: number[];
  truth: number[];
} & GuessChartSize) {
  const { t } = useTranslation();
  const rows = useMemo(() => guessRows(labels, average, truth), [labels, average, truth]);
  const axis = useMemo(
    () => percentAxis(Math.max(0, ...rows.map((r) => Math.max(r.average, r.truth)))),
    [rows],
  );
  const labelWidth = Math.min(
    fontSize * 12,
    24 + fontSize * 0.6 * Math.max(4, ...rows.map((r) => axisToken(r.token).length)),
  );
  return (
    <figure className="chart" aria-label={t("guess.chartAria")}>
      <ChartLegend
        items={[
          { label: t("guess.average"), color: SERIES.empirical },
          { label: t("guess.truth"), color: SERIES.theory },
        ]}
      />
      <ResponsiveContainer width="100%" height={height ?? rows.length * (fontSize * 2.4 + 20) + fontSize * 2}>
        <BarChart
          data={rows}
          layout="vertical"
          margin={{ top: 4, right: Math.round(fontSize * 3.6), bottom: 4, left: 4 }}
          barGap={3}
          barCategoryGap="16%"
        >
          <CartesianGrid horizontal={false} stroke="#bbb" />
          {percentXAxis(axis, fontSize)}
          {tokenYAxis(labelWidth, fontSize)}
          {(
            [
              { key: "average", name: t("guess.average"), fill: SERIES.empirical },
              { key: "truth", name: t("guess.truth"), fill: SERIES.theory },
            ] as const
          ).map((series) => (
            <Bar
              key={series.key}
              dataKey={series.key}
              name={series.name}
              fill={series.fill}
              stroke="#000"
              isAnimationActive={false}
            >
              <LabelList
                dataKey={series.key}
                position="right"
                formatter={percentLabel}
                style={{ fontSize, fill: "#000" }}
              />
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
      <ChartTable caption={t("guess.chartAria")}>
        <thead>
          <tr>
            <th scope="col">{t("charts.token")}</th>
            <th scope="col">{t("guess.average")}</th>
            <th scope="col">{t("guess.truth")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.token}</th>
              <td>{formatPercent(r.average)}</td>
              <td>{formatPercent(r.truth)}</td>
            </tr>
          ))}
        </tbody>
      </ChartTable>
    </figure>
  );
});

export const ScoreHistogram = memo(function ScoreHistogram({
  scores,
  fontSize = FONT,
  height = 260,
}: { scores: number[] } & GuessChartSize) {
  const { t } = useTranslation();
  const bins = useMemo(
    () =>
      scoreHistogram(scores).map((b) => ({ ...b, label: `${formatNumber(b.from)}–${formatNumber(b.to)}` })),
    [scores],
  );
  const top = Math.max(1, ...bins.map((b) => b.count));
  return (
    <figure className="chart" aria-label={t("guess.scoresAria")}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart
          data={bins}
          margin={{ top: fontSize + 8, right: 16, bottom: fontSize + 12, left: 0 }}
          barCategoryGap="8%"
        >
          <CartesianGrid vertical={false} stroke="#bbb" />
          {/* ranges that do not fit side by side at this size skip some (the table below has them all) */}
          <XAxis
            dataKey="label"
            interval="preserveStartEnd"
            minTickGap={fontSize / 2}
            tick={{ fontSize, fill: "#000" }}
            label={{
              value: t("guess.scoresX"),
              position: "insideBottom",
              offset: -(fontSize + 4),
              fontSize,
              fill: "#000",
            }}
          />
          <YAxis
            allowDecimals={false}
            domain={[0, top]}
            width={Math.round(fontSize * 1.6 + 12)}
            tick={{ fontSize, fill: "#000" }}
          />
          <Bar dataKey="count" fill={SERIES.scores} stroke="#000" isAnimationActive={false}>
            <LabelList
              dataKey="count"
              position="top"
              formatter={(v: unknown) => (typeof v === "number" && v > 0 ? String(v) : "")}
              style={{ fontSize, fill: "#000" }}
            />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <ChartTable caption={t("guess.scoresAria")}>
        <tbody>
          {bins.map((b) => (
            <tr key={b.from}>
              <th scope="row">
                {t("guess.scoresX")}: {b.label}
              </th>
              <td>{t("guess.students", { count: b.count })}</td>
            </tr>
          ))}
        </tbody>
      </ChartTable>
    </figure>
  );
});
