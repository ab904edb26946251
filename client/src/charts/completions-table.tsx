/** Whole completions: how often the class drew each one, against its chain-rule probability. */
import { memo } from "react";
import { useTranslation } from "react-i18next";
import type { RoundStats } from "@tokenroom/shared";
import { formatInt, formatPercent } from "../lib/format.ts";
import { SERIES } from "../lib/prob-colors.ts";
import { TableHead } from "../components/table-head.tsx";

export const CompletionsTable = memo(function CompletionsTable({
  stats,
  limit = 8,
  hideModel = false,
}: {
  stats: RoundStats | null;
  limit?: number;
  /** [RV1] Before the reveal: no chain-rule probabilities. */
  hideModel?: boolean;
}) {
  const { t } = useTranslation();
  const n = stats?.n ?? 0;
  const top = (stats?.completions.top.slice(0, limit) ?? []).map((c) => (hideModel ? { ...c, p: null } : c));
  if (n === 0) return <p className="hint">{t("charts.noSamples")}</p>;
  const max = Math.max(...top.map((c) => Math.max(c.count / n, c.p ?? 0)), 1e-9);
  return (
    <>
      <table className="completions-table">
        <colgroup>
          <col className="col-text" />
          <col className="col-num" />
          <col className="col-num" />
          <col className="col-p" />
        </colgroup>
        <caption>{t("charts.completionsCaption", { count: stats?.completions.distinct ?? 0 })}</caption>
        <TableHead
          columns={[
            { label: t("charts.completion") },
            { label: t("charts.count"), num: true },
            { label: t("charts.share"), num: true },
            { label: t("charts.chainRule"), num: true },
          ]}
        />
        <tbody>
          {top.map((c) => (
            <tr key={c.tokens.join(",")}>
              <th scope="row" className="completion-text">
                {c.text}
                <span className="mini-bars" aria-hidden="true">
                  <span
                    className="mini-bar"
                    style={{ width: `${(c.count / n / max) * 100}%`, background: SERIES.empirical }}
                  />
                  {c.p === null ? null : (
                    <span
                      className="mini-bar"
                      style={{ width: `${(c.p / max) * 100}%`, background: SERIES.theory }}
                    />
                  )}
                </span>
              </th>
              <td className="num">{formatInt(c.count)}</td>
              <td className="num">{formatPercent(c.count / n)}</td>
              <td className="num">{c.p === null ? "–" : formatPercent(c.p)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint" data-testid="per-step-note">
        {t("teach.perStep")}
      </p>
    </>
  );
});
