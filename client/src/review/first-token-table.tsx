/** The first-token counts behind the bars: token, how many samples began with it, their share, the model's p. */
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { RoundStats, TheoryView } from "@tokenroom/shared";
import { firstTokenRows } from "../charts/distribution-data.ts";
import { formatInt, formatPercent } from "../lib/format.ts";
import { TableHead } from "../components/table-head.tsx";

export function FirstTokenTable({
  stats,
  theory,
  maxRows = 10,
}: {
  stats: RoundStats;
  theory: TheoryView | null;
  maxRows?: number;
}) {
  const { t } = useTranslation();
  const rows = useMemo(
    () => firstTokenRows(stats, theory, t("charts.other"), maxRows),
    [stats, theory, t, maxRows],
  );
  if (stats.n === 0) return null;
  return (
    <table className="completions-table first-token-table" data-testid="first-token-table">
      <caption>{t("review.firstTokenCaption", { count: stats.n })}</caption>
      <TableHead
        columns={[
          { label: t("charts.token") },
          { label: t("charts.count"), num: true },
          { label: t("charts.share"), num: true },
          { label: t("charts.theory"), num: true },
        ]}
      />
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} className={r.other ? "other-row" : undefined}>
            <th scope="row" className="completion-text">
              {r.token}
            </th>
            <td className="num" data-testid="first-token-count">
              {formatInt(r.count)}
            </td>
            <td className="num">{formatPercent(r.empirical)}</td>
            <td className="num">{r.theory === null ? "–" : formatPercent(r.theory)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
