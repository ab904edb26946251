/** The phone's guess pictures: the guess as one stacked bar, and after the reveal the guess next to the truth. */
import { memo } from "react";
import { useTranslation } from "react-i18next";
import { formatPercent, formatWholePercent } from "../lib/format.ts";
import { outcomeColor } from "../lib/prob-colors.ts";

/** A segment shows its word when it is at least this wide (percent of the bar), and its share from PERCENT_MIN. */
const LABEL_MIN = 9;
const PERCENT_MIN = 40;

export const StackedGuessBar = memo(function StackedGuessBar({
  labels,
  percents,
}: {
  labels: string[];
  percents: number[];
}) {
  const { t } = useTranslation();
  const parts = labels.map((label, i) => `${label} ${formatWholePercent(percents[i] ?? 0)}`).join(", ");
  return (
    <div
      className="stacked-bar"
      role="img"
      aria-label={t("guess.barAria", { parts })}
      data-testid="guess-bar"
    >
      {labels.map((label, i) => {
        const p = percents[i] ?? 0;
        if (p <= 0) return null;
        const color = outcomeColor(i, labels.length);
        return (
          <span
            key={i}
            className={i === labels.length - 1 ? "stacked-segment else" : "stacked-segment"}
            style={{ width: `${p}%`, background: color.background, color: color.text }}
          >
            {p >= LABEL_MIN ? <span className="segment-label">{label}</span> : null}
            {p >= PERCENT_MIN ? <span className="segment-p">{formatWholePercent(p)}</span> : null}
          </span>
        );
      })}
    </div>
  );
});

/** Two bars per outcome: the student's guess (orange) above the truth (blue), both on the same scale. */
export const GuessVsTruth = memo(function GuessVsTruth({
  labels,
  guess,
  truth,
}: {
  labels: string[];
  guess: number[];
  truth: number[];
}) {
  const { t } = useTranslation();
  const max = Math.max(1e-9, ...guess, ...truth);
  const bar = (p: number, kind: "guess" | "truth") => (
    <span className={`pair-row ${kind}`}>
      <span className="pair-bar" style={{ width: `${(p / max) * 100}%` }} />
      <span className="pair-value">{formatPercent(p)}</span>
    </span>
  );
  return (
    <div className="guess-vs-truth">
      <ul className="chart-legend">
        <li>
          <span aria-hidden="true" className="legend-box guess" />
          {t("guess.yourGuess")}
        </li>
        <li>
          <span aria-hidden="true" className="legend-box truth" />
          {t("guess.truth")}
        </li>
      </ul>
      <ul className="pair-list">
        {labels.map((label, i) => {
          const g = guess[i] ?? 0;
          const tr = truth[i] ?? 0;
          return (
            <li
              key={i}
              className="pair"
              aria-label={t("guess.rowAria", {
                token: label,
                guess: formatPercent(g),
                truth: formatPercent(tr),
              })}
            >
              <span className="pair-label" aria-hidden="true">
                {label}
              </span>
              <span className="pair-bars" aria-hidden="true">
                {bar(g, "guess")}
                {bar(tr, "truth")}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
});
