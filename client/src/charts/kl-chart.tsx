/**
 * KL(empirical ‖ theory) against N on log-log axes, with the reference (k − 1) / (2 N ln 2): what KL an
 * N-sample empirical distribution has on average. A class that samples honestly tracks the reference line.
 */
import { memo, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, XAxis, YAxis } from "recharts";
import { expectedEmpiricalKlBits, type KlPoint } from "@tokenroom/shared";
import { formatInt } from "../lib/format.ts";
import { SERIES } from "../lib/prob-colors.ts";
import { ChartLegend } from "./chart-legend.tsx";
import { logTicks } from "./distribution-data.ts";

const positive = (x: number) => (Number.isFinite(x) && x > 0 ? x : null);
const tickLabel = (v: number) => (v >= 1 ? formatInt(v) : v >= 1e-3 ? String(Number(v.toPrecision(1))) : v.toExponential(0));

export const KlChart = memo(function KlChart({ history, support, height = 320 }: { history: KlPoint[]; support: number; height?: number }) {
  const { t } = useTranslation();
  const data = useMemo(
    () =>
      history.map((h) => ({
        n: h.n,
        first: positive(h.firstKlBits),
        completion: positive(h.completionKlBits),
        reference: positive(expectedEmpiricalKlBits(support, h.n)),
      })),
    [history, support],
  );
  const domains = useMemo(() => {
    const ys = data.flatMap((d) => [d.first, d.completion, d.reference]).filter((v): v is number => v !== null);
    const decade = (x: number, round: (v: number) => number) => 10 ** round(Math.log10(x));
    const nMax = data.length ? Math.max(10, decade(Math.max(...data.map((d) => d.n)), Math.ceil)) : 10;
    const yMin = ys.length ? decade(Math.min(...ys), Math.floor) : 0.001;
    const yMax = ys.length ? Math.max(yMin * 10, decade(Math.max(...ys), Math.ceil)) : 1;
    return { x: [1, nMax] as [number, number], y: [yMin, yMax] as [number, number] };
  }, [data]);
  if (data.length === 0) return <p className="hint">{t("charts.noSamples")}</p>;
  if (support <= 1) return <p className="hint">{t("charts.klGreedy")}</p>;
  const dot = data.length <= 30 ? { r: 4 } : false;
  return (
    <figure className="chart" aria-label={t("charts.klAria")}>
      <ChartLegend
        items={[
          { label: t("charts.klFirst"), color: SERIES.firstKl, line: "solid" },
          { label: t("charts.klCompletion"), color: SERIES.completionKl, line: "dotted" },
          { label: t("charts.klReference", { k: formatInt(support) }), color: SERIES.reference, line: "dashed" },
        ]}
      />
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={data} margin={{ top: 8, right: 24, bottom: 24, left: 8 }}>
          <CartesianGrid stroke="#ccc" />
          <XAxis
            dataKey="n"
            type="number"
            scale="log"
            domain={domains.x}
            ticks={logTicks(1, domains.x[1])}
            tickFormatter={tickLabel}
            allowDataOverflow
            tick={{ fontSize: 16 }}
            label={{ value: t("charts.klX"), position: "insideBottom", offset: -16, fontSize: 16 }}
          />
          <YAxis
            type="number"
            scale="log"
            domain={domains.y}
            ticks={logTicks(domains.y[0], domains.y[1])}
            tickFormatter={tickLabel}
            allowDataOverflow
            width={64}
            tick={{ fontSize: 16 }}
          />
          <Line dataKey="first" name={t("charts.klFirst")} stroke={SERIES.firstKl} strokeWidth={3} dot={dot} isAnimationActive={false} connectNulls />
          <Line dataKey="completion" name={t("charts.klCompletion")} stroke={SERIES.completionKl} strokeWidth={3} strokeDasharray="2 4" dot={dot} isAnimationActive={false} connectNulls />
          <Line dataKey="reference" name={t("charts.klReference")} stroke={SERIES.reference} strokeWidth={2} strokeDasharray="8 6" dot={dot} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});
