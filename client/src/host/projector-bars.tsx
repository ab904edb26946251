/**
 * The projector's first-token chart in presentation mode: plain HTML bars sized in rem (so they scale with the
 * room), the class's share above the model's probability for each word. [RV1] Before the reveal of a round
 * that hides it there is no model bar at all (nothing to read off the page); at the reveal the model's bars
 * slide in beside the class's (a CSS animation).
 */
import { memo, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { RoundStats, TheoryView } from "@tokenroom/shared";
import { axisToken, ChartLegend } from "../charts/chart-legend.tsx";
import { firstTokenRows } from "../charts/distribution-data.ts";
import { formatPercent } from "../lib/format.ts";
import { SERIES } from "../lib/prob-colors.ts";

export const ProjectorBars = memo(function ProjectorBars({
  stats,
  theory,
  height,
  pending = false,
}: {
  stats: RoundStats | null;
  /** Null while the model is hidden. */
  theory: TheoryView | null;
  /** px available: as many rows as fit (3 to 10 words and "other"), nothing cut off. */
  height: number;
  /** [RV1] The model's bars come at the reveal: an empty slot under each class bar keeps their place. */
  pending?: boolean;
}) {
  const { t } = useTranslation();
  const [maxRows, setMaxRows] = useState(8);
  const figure = useRef<HTMLElement>(null);
  const rows = useMemo(
    () => firstTokenRows(stats, theory, t("charts.other"), maxRows),
    [stats, theory, t, maxRows],
  );
  const n = stats?.n ?? 0;
  // the words set the scale; "other" (most of a flat distribution's mass) is cut at the end, its value written
  const words = rows.filter((r) => !r.other);
  // at least 10% full width: one sample in 30 must not look like a full bar (a hot round's flat distribution
  // then looks flat and low, as it is)
  const max = Math.max(
    0.1,
    ...(words.length ? words : rows).map((r) => Math.max(r.empirical, r.theory ?? 0)),
  );
  // the value sits right after its bar: the bar spans a share of the line minus the value's room
  const width = (p: number) => `calc((100% - 6.4em) * ${Math.min(1, p / max).toFixed(4)})`;
  // fit the rows to the height: one fewer while the chart overflows, one more while a row's room is left
  useLayoutEffect(() => {
    const el = figure.current;
    const line = el?.querySelector(".pbar-lines");
    if (!el || !line || height <= 0) return;
    const rowPx = line.getBoundingClientRect().height * 1.25;
    const used = el.scrollHeight;
    if (used > height && maxRows > 3) setMaxRows(maxRows - 1);
    else if (used + rowPx * 1.5 < height && maxRows < 10 && rows.length > maxRows) setMaxRows(maxRows + 1);
  }, [height, maxRows, rows.length]);
  if (rows.length === 0) return <p className="projector-empty">{t("charts.noSamples")}</p>;
  return (
    <figure
      ref={figure}
      className="pbars"
      data-testid="projector-bars"
      aria-label={t("charts.firstTokenAria", { count: n })}
    >
      <ChartLegend
        items={[
          { label: t("charts.empirical", { count: n }), color: SERIES.empirical },
          ...(theory || pending
            ? [{ label: pending ? t("present.modelLater") : t("charts.theory"), color: SERIES.theory }]
            : []),
        ]}
      />
      <div className="pbars-grid" role="table" aria-label={t("present.barsTable")}>
        <div className="pbar-row pbar-head" role="row">
          <span role="columnheader">{t("present.word")}</span>
          <span role="columnheader">{t("charts.shareAxis")}</span>
        </div>
        {rows.map((r) => (
          <div className={r.other ? "pbar-row other" : "pbar-row"} role="row" key={r.key}>
            <span className="pbar-label" role="rowheader" title={r.token}>
              {axisToken(r.token)}
            </span>
            <span className="pbar-lines" role="cell">
              <BarLine
                series="class"
                p={r.empirical}
                width={width(r.empirical)}
                cut={r.other && r.empirical > max}
              />
              {theory && r.theory !== null ? (
                <BarLine
                  series="model"
                  p={r.theory}
                  width={width(r.theory)}
                  cut={r.other && r.theory > max}
                />
              ) : theory ? (
                // drawn, but beyond the theory's top tokens: at most the smallest probability listed
                <span className="pbar-line model">
                  <span className="pbar-value" data-testid="pbar-model">
                    ≤ {formatPercent(Math.min(...theory.top.map((x) => x.p)))}
                  </span>
                </span>
              ) : pending ? (
                <span className="pbar-line pending" aria-hidden="true">
                  <span className="pbar-slot" />
                </span>
              ) : null}
            </span>
          </div>
        ))}
      </div>
    </figure>
  );
});

/** One bar of a row: the class's share (its line first) or the model's probability, the value after it. */
function BarLine({
  series,
  p,
  width,
  cut,
}: {
  series: "class" | "model";
  p: number;
  width: string;
  /** "other" beyond the scale: the bar ends cut. */
  cut?: boolean;
}) {
  return (
    <span className={series === "class" ? "pbar-line" : "pbar-line model"}>
      <span
        className={`pbar ${series}${cut ? " cut" : ""}`}
        style={{ width, background: series === "class" ? SERIES.empirical : SERIES.theory }}
      />
      <span className="pbar-value" data-testid={`pbar-${series}`}>
        {formatPercent(p)}
      </span>
    </span>
  );
}
