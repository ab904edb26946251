/**
 * /sessions/:id/review: a stored session after class. Opened with this browser's host key (or this tab's
 * admin token): the totals, the exports, every round in order, and who took part.
 */
import { useEffect, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { renameSession } from "../api/review.ts";
import { formatInt } from "../lib/format.ts";
import { formatDateTime, formatDuration } from "../review/format-date.ts";
import { ExportButtons } from "../review/export-buttons.tsx";
import { AppLink, PageBar } from "../review/page-bar.tsx";
import { ParticipationTable } from "../review/participation-table.tsx";
import { ReviewError } from "../review/review-error.tsx";
import { RoundReview } from "../review/round-review.tsx";
import { TitleEditor } from "../review/title-editor.tsx";
import { reviewAccess, useReview } from "../review/use-review.ts";
import "../review/review.css";
import { Counter } from "../components/counter.tsx";

export default function ReviewPage({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const access = useMemo(() => reviewAccess(sessionId), [sessionId]);
  const { review, students, nextCursor, loadingMore, error, loadMore, setSummary } = useReview(
    sessionId,
    access,
  );
  const session = review?.session;
  useEffect(() => {
    document.title = session?.title
      ? t("review.documentTitleNamed", { title: session.title })
      : t("review.documentTitle");
  }, [t, session?.title]);
  const roundSeqs = useMemo(() => {
    const seqById = new Map(review?.rounds.map((r) => [r.id, r.seq]));
    return (review?.students.roundIds ?? []).map((id, i) => seqById.get(id) ?? i + 1);
  }, [review]);

  let body;
  if (!access) {
    body = (
      <>
        <h1>{t("host.noKeyTitle")}</h1>
        <p className="lead">{t("review.noKey")}</p>
        <p className="button-row">
          <AppLink to="/sessions" className="button primary big">
            {t("sessions.link")}
          </AppLink>
          <AppLink to="/admin" className="button big">
            {t("admin.link")}
          </AppLink>
        </p>
      </>
    );
  } else if (!review || !session) {
    body = error ? <ReviewError error={error} /> : <p className="lead">{t("app.loading")}</p>;
  } else {
    const rename = async (title: string) => {
      const r = await renameSession(sessionId, access.secret, title);
      if (r.ok) setSummary(r.data);
      return r.ok;
    };
    const duration = session.endedAt ? formatDuration(session.createdAt, session.endedAt) : null;
    body = (
      <>
        <header className="review-head">
          <p className="eyebrow">
            {t("review.eyebrow", { date: formatDateTime(session.createdAt), code: session.code })}
            {duration ? ` · ${t("review.lasted", { duration })}` : ` · ${t("sessions.live")}`}
          </p>
          <h1>
            <TitleEditor
              title={session.title}
              context={formatDateTime(session.createdAt)}
              onSave={access.host ? rename : undefined}
            />
          </h1>
          <div className="counters-row review-totals">
            <Counter
              label={t("sessions.students")}
              value={formatInt(session.students)}
              testId="review-students"
            />
            <Counter label={t("sessions.rounds")} value={formatInt(session.rounds)} testId="review-rounds" />
            <Counter
              label={t("sessions.samples")}
              value={formatInt(session.samples)}
              testId="review-samples"
            />
          </div>
        </header>
        <ReviewError error={error} />
        <ExportButtons sessionId={sessionId} code={session.code} secret={access.secret} />
        {review.rounds.length === 0 ? <p className="panel empty-state">{t("review.noRounds")}</p> : null}
        {review.rounds.length > 1 ? (
          <nav className="round-index" aria-label={t("review.roundsNav")}>
            {review.rounds.map((r) => (
              <a key={r.id} href={`#round-${r.id}`} className="button small">
                {t("live.round", { seq: r.seq })}: {r.prompt}
              </a>
            ))}
          </nav>
        ) : null}
        {review.rounds.map((r) => (
          <RoundReview
            key={r.id}
            round={r}
            rounds={review.rounds}
            students={students}
            partialStudents={nextCursor !== null}
          />
        ))}
        <section className="panel" aria-labelledby="participation-title">
          <h2 id="participation-title">{t("review.participation")}</h2>
          <ParticipationTable
            students={students}
            roundSeqs={roundSeqs}
            hasMore={nextCursor !== null}
            loadingMore={loadingMore}
            onLoadMore={() => void loadMore()}
            total={session.students}
          />
        </section>
      </>
    );
  }

  return (
    <div className="host review-page">
      <PageBar />
      <main className="review-main">{body}</main>
    </div>
  );
}
