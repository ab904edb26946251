/** "Be the model": the class's and the model's loss on each revealed word, and their running averages (bits). */
import { memo, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, XAxis, YAxis } from "recharts";
import type { BeModelWord } from "@tokenroom/shared";
import { formatBits } from "../lib/format.ts";
import { SERIES } from "../lib/prob-colors.ts";
import { ChartLegend } from "./chart-legend.tsx";

/** Ticks (px): readable on the host's laptop and from the front rows when the host view is projected. */
const FONT = 18;

export const BeModelChart = memo(function BeModelChart({ words }: { words: BeModelWord[] }) {
  const { t } = useTranslation();
  const data = useMemo(
    () =>
      words.map((w, i) => ({
        word: `${i + 1}. ${w.trueToken}`,
        klass: w.classLossBits,
        model: w.modelLossBits,
      })),
    [words],
  );
  return (
    <figure className="chart" aria-label={t("beModel.chartAria")}>
      <ChartLegend
        items={[
          { label: t("beModel.classLine"), color: SERIES.empirical, line: "solid" },
          { label: t("beModel.modelLine"), color: SERIES.theory, line: "dashed" },
        ]}
      />
      <ResponsiveContainer width="100%" height={280}>
        <LineChart data={data} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#ccc" />
          <XAxis dataKey="word" tick={{ fontSize: FONT, fill: "#000" }} />
          <YAxis
            tickFormatter={(v: number) => formatBits(v)}
            tick={{ fontSize: FONT, fill: "#000" }}
            width={FONT * 3.5}
          />
          <Line
            dataKey="klass"
            stroke={SERIES.empirical}
            strokeWidth={3}
            dot={{ r: 5 }}
            isAnimationActive={false}
            connectNulls
          />
          <Line
            dataKey="model"
            stroke={SERIES.theory}
            strokeWidth={3}
            strokeDasharray="8 4"
            dot={{ r: 5 }}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});
