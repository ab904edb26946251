/** Who took part: one row per student in join order, samples per round, total and guesses; paged by the API. */
import { useTranslation } from "react-i18next";
import type { StudentParticipation } from "@tokenroom/shared";
import { formatInt } from "../lib/format.ts";
import { formatDateTime } from "./format-date.ts";
import { TableHead } from "../components/table-head.tsx";

export interface ParticipationTableProps {
  students: StudentParticipation[];
  /** The round numbers of the columns (the API's `roundIds`, in order). */
  roundSeqs: number[];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  total: number;
}

export function ParticipationTable({
  students,
  roundSeqs,
  hasMore,
  loadingMore,
  onLoadMore,
  total,
}: ParticipationTableProps) {
  const { t } = useTranslation();
  if (students.length === 0) return <p className="hint">{t("lobby.noStudents")}</p>;
  return (
    <>
      <div className="table-scroll">
        <table className="sessions-table participation-table" data-testid="participation-table">
          <caption>
            {t("review.participationCaption", { shown: formatInt(students.length), count: total })}
          </caption>
          <TableHead
            columns={[
              { label: t("guess.name") },
              { label: t("review.joined") },
              ...roundSeqs.map((seq) => ({ label: t("review.roundShort", { seq }), num: true })),
              { label: t("guess.sessionTotal"), num: true },
              { label: t("review.guessesColumn"), num: true },
            ]}
          />
          <tbody>
            {students.map((s) => (
              <tr key={s.id} data-testid="participation-row">
                <th scope="row" className="student-cell">
                  {s.nickname}
                  {s.removed ? <span className="badge offline">{t("review.removed")}</span> : null}
                </th>
                <td className="nowrap">{formatDateTime(s.joinedAt)}</td>
                {roundSeqs.map((seq, i) => (
                  <td key={seq} className="num">
                    {formatInt(s.samples[i] ?? 0)}
                  </td>
                ))}
                <td className="num total">{formatInt(s.total)}</td>
                <td className="num">{formatInt(s.guesses.length)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {hasMore ? (
        <button type="button" className="button big load-more" disabled={loadingMore} onClick={onLoadMore}>
          {loadingMore ? t("app.loading") : t("review.moreStudents")}
        </button>
      ) : null}
    </>
  );
}
