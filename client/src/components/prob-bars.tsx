/** A light horizontal bar list of probabilities (no chart library: it sits on the student's sampling path). */
import { memo } from "react";
import { useTranslation } from "react-i18next";
import { formatPercent } from "../lib/format.ts";
import { probBin } from "../lib/prob-colors.ts";

export interface ProbRow {
  key: string | number;
  label: string;
  p: number;
  /** Marks the token that was drawn. */
  chosen?: boolean;
}

export const ProbBars = memo(function ProbBars({
  rows,
  otherP,
  caption,
}: {
  rows: ProbRow[];
  otherP?: number;
  caption: string;
}) {
  const { t } = useTranslation();
  const max = Math.max(...rows.map((r) => r.p), otherP ?? 0, 1e-9);
  const all: ProbRow[] =
    otherP !== undefined && otherP > 1e-9
      ? [...rows, { key: "__other", label: t("charts.other"), p: otherP }]
      : rows;
  return (
    <table className="prob-bars">
      <caption>{caption}</caption>
      <thead className="visually-hidden">
        <tr>
          <th scope="col">{t("charts.token")}</th>
          <th scope="col">{t("charts.probability")}</th>
        </tr>
      </thead>
      <tbody>
        {all.map((r) => {
          const bin = probBin(r.p);
          return (
            <tr key={r.key} className={r.chosen ? "chosen" : undefined}>
              <th scope="row" className="prob-label">
                {r.label}
                {r.chosen ? <span className="chosen-mark"> {t("student.drawn")}</span> : null}
              </th>
              <td className="prob-cell">
                <span
                  className="prob-bar"
                  aria-hidden="true"
                  style={{ width: `${(r.p / max) * 100}%`, background: bin.background }}
                />
                <span className="prob-value">{formatPercent(r.p)}</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
});
