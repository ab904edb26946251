/**
 * The axes of the horizontal bar charts (first token, guess vs truth): shares on a percent axis with round ticks,
 * tokens on a category axis. Called as functions, not rendered as components: recharts finds its axes among
 * the chart's direct children by type.
 */
import { XAxis, YAxis } from "recharts";
import { formatPercent } from "../lib/format.ts";
import { axisToken } from "./chart-legend.tsx";
import type { PercentAxis } from "./percent-axis.ts";

/** The share axis, 0 to `axis.max`, with `axis.ticks`; `label` names it under the ticks. */
export function percentXAxis(axis: PercentAxis, fontSize: number, label?: string) {
  return (
    <XAxis
      type="number"
      domain={[0, axis.max]}
      ticks={axis.ticks}
      interval={0}
      tickFormatter={(v: number) => formatPercent(v)}
      tick={{ fontSize, fill: "#000" }}
      allowDataOverflow
      {...(label === undefined
        ? {}
        : {
            height: fontSize * 2.5,
            label: { value: label, position: "insideBottom", offset: 0, fontSize, fill: "#000" },
          })}
    />
  );
}

/** The token axis: every row labelled, punctuation in quotes. */
export function tokenYAxis(width: number, fontSize: number) {
  return (
    <YAxis
      type="category"
      dataKey="token"
      width={width}
      tick={{ fontSize, fill: "#000" }}
      tickFormatter={axisToken}
      interval={0}
    />
  );
}
