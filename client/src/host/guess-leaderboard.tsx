/**
 * The leaderboard on the projector: rank (ties share one, as the server ranks), name, points this round, total.
 * "Hide names" is stored per browser: a presenting window (which shows no button) follows the controls window.
 */
import { memo, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { LeaderboardEntry } from "@tokenroom/shared";
import { formatInt } from "../lib/format.ts";
import { readJson, writeJson } from "../lib/storage.ts";
import { TableHead } from "../components/table-head.tsx";

/** Rows shown on the projector; the rest are summarised in one line. */
const MAX_ROWS = 10;
const HIDE_KEY = "projector:hideNames";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";

export const GuessLeaderboard = memo(function GuessLeaderboard({
  entries,
  maxRows = MAX_ROWS,
  presenting = false,
}: {
  entries: LeaderboardEntry[];
  /** Presentation mode: as many rows as fit its screen. */
  maxRows?: number;
  /** Presentation mode: no button (the controls window has it). */
  presenting?: boolean;
}) {
  const { t } = useTranslation();
  const [hide, setHide] = useState(() => readJson(HIDE_KEY, isBoolean) ?? false);
  useEffect(() => {
    // another window of this browser (the controls window) toggled it
    const onStorage = () => setHide(readJson(HIDE_KEY, isBoolean) ?? false);
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);
  const toggle = () => {
    setHide(!hide);
    writeJson(HIDE_KEY, !hide);
  };
  const shown = entries.slice(0, Math.min(MAX_ROWS, Math.max(1, maxRows)));
  return (
    <section className="leaderboard" aria-labelledby="leaderboard-title">
      <div className="leaderboard-head">
        <h3 id="leaderboard-title">{t("guess.leaderboard")}</h3>
        {presenting ? null : (
          <button
            type="button"
            className={`button small toggle${hide ? " on" : ""}`}
            aria-pressed={hide}
            onClick={toggle}
          >
            {t("guess.hideNames")}
          </button>
        )}
      </div>
      {entries.length === 0 ? (
        <p className="hint">{t("guess.noGuesses")}</p>
      ) : (
        <table className="leaderboard-table" data-testid="leaderboard">
          <TableHead
            columns={[
              { label: t("guess.rank"), num: true },
              { label: t("guess.name") },
              { label: t("guess.round"), num: true },
              { label: t("guess.sessionTotal"), num: true },
            ]}
          />
          <tbody>
            {shown.map((e, i) => (
              <tr key={e.participantId} className={e.rank === 1 ? "first" : undefined}>
                <td className="num rank">{formatInt(e.rank)}</td>
                <th scope="row" className="leader-name">
                  {hide ? t("guess.anonymous", { n: i + 1 }) : e.nickname}
                </th>
                <td className="num">{e.points === null ? "–" : formatInt(e.points)}</td>
                <td className="num total">{formatInt(e.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries.length > shown.length ? (
        <p className="hint">{t("guess.moreRows", { count: entries.length - shown.length })}</p>
      ) : null}
    </section>
  );
});
