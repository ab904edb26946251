/**
 * /sessions: the sessions this browser hosted (the host keys in its localStorage), newest first, with their
 * counts; rename, open the review, delete. Ids the server no longer knows are forgotten.
 */
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { SessionSummary } from "@tokenroom/shared";
import { deleteSession, lookupSessions, renameSession } from "../api/review.ts";
import type { ClientError } from "../api/socket.ts";
import { hostCredentials } from "../lib/storage.ts";
import { AppLink, PageBar } from "../review/page-bar.tsx";
import { ReviewError } from "../review/review-error.tsx";
import { SessionTable } from "../review/session-table.tsx";
import "../review/review.css";

type Load =
  | { status: "loading" }
  | { status: "ready"; sessions: SessionSummary[] }
  | { status: "failed"; error: ClientError };

export default function SessionsPage() {
  const { t } = useTranslation();
  const [load, setLoad] = useState<Load>({ status: "loading" });
  const [error, setError] = useState<ClientError | null>(null);
  useEffect(() => {
    document.title = t("sessions.documentTitle");
  }, [t]);

  const refresh = useCallback(async (): Promise<Load> => {
    const keys = hostCredentials.all();
    if (keys.length === 0) return { status: "ready", sessions: [] };
    const r = await lookupSessions(keys);
    if (!r.ok) return { status: "failed", error: r.error };
    for (const id of r.data.unknown) hostCredentials.forget(id);
    return { status: "ready", sessions: r.data.sessions };
  }, []);

  useEffect(() => {
    let live = true;
    void refresh().then((next) => live && setLoad(next));
    return () => {
      live = false;
    };
  }, [refresh]);

  const sessions = load.status === "ready" ? load.sessions : [];
  const setSessions = (update: (list: SessionSummary[]) => SessionSummary[]) =>
    setLoad((l) => (l.status === "ready" ? { status: "ready", sessions: update(l.sessions) } : l));

  const rename = async (id: string, title: string) => {
    const key = hostCredentials.get(id)?.hostKey;
    if (!key) return false;
    const r = await renameSession(id, key, title);
    setError(r.ok ? null : r.error);
    if (r.ok) setSessions((list) => list.map((s) => (s.id === id ? r.data : s)));
    return r.ok;
  };

  const remove = async (id: string) => {
    const key = hostCredentials.get(id)?.hostKey;
    const r = key ? await deleteSession(id, key) : null;
    // already gone on the server: forget it all the same
    const gone = r === null || r.ok || r.error.code === "NOT_FOUND";
    setError(gone ? null : r.error);
    if (gone) {
      hostCredentials.forget(id);
      setSessions((list) => list.filter((s) => s.id !== id));
    }
    return gone;
  };

  return (
    <div className="host review-page">
      <PageBar />
      <main className="review-main narrow-page">
        <h1>{t("sessions.heading")}</h1>
        <p className="lead">{t("sessions.intro")}</p>
        <ReviewError error={load.status === "failed" ? load.error : error} />
        {load.status === "loading" ? <p className="hint">{t("app.loading")}</p> : null}
        {load.status === "ready" && sessions.length === 0 ? (
          <p className="panel empty-state">{t("sessions.empty")}</p>
        ) : null}
        {sessions.length > 0 ? (
          <SessionTable sessions={sessions} onRename={rename} onDelete={remove} />
        ) : null}
        <p className="hint page-foot">
          {t("sessions.adminHint")} <AppLink to="/admin">{t("admin.link")}</AppLink>
        </p>
      </main>
    </div>
  );
}
