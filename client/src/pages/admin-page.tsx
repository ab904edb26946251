/**
 * /admin: every stored session on this instance, for whoever holds its ADMIN_TOKEN. The token is asked for
 * once and kept in sessionStorage (this tab only); the list pages on with the server's cursor.
 */
import { type FormEvent, useCallback, useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import type { SessionSummary } from "@tokenroom/shared";
import { adminSessions, deleteSession } from "../api/review.ts";
import type { ClientError } from "../api/socket.ts";
import { adminToken } from "../lib/admin-token.ts";
import { PageBar } from "../review/page-bar.tsx";
import { ReviewError } from "../review/review-error.tsx";
import { SessionTable } from "../review/session-table.tsx";
import "../review/review.css";

interface List {
  sessions: SessionSummary[];
  next: string | null;
}

export default function AdminPage() {
  const { t } = useTranslation();
  const id = useId();
  const [token, setToken] = useState(() => adminToken.get());
  const [draft, setDraft] = useState("");
  const [list, setList] = useState<List | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const errorCode: string = error?.code ?? "";
  const wrongToken = errorCode === "FORBIDDEN" || errorCode === "UNAUTHORIZED";
  useEffect(() => {
    document.title = t("admin.documentTitle");
  }, [t]);

  const fetchPage = useCallback(async (secret: string, cursor: string | null) => {
    setBusy(true);
    const r = await adminSessions(secret, cursor);
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      const code: string = r.error.code;
      if (code === "FORBIDDEN" || code === "UNAUTHORIZED") {
        adminToken.clear();
        setToken(null);
      }
      return;
    }
    setError(null);
    setList((old) => ({
      sessions: [...(cursor && old ? old.sessions : []), ...r.data.sessions],
      next: r.data.nextCursor,
    }));
  }, []);

  useEffect(() => {
    if (token) void fetchPage(token, null);
  }, [token, fetchPage]);

  const signIn = (e: FormEvent) => {
    e.preventDefault();
    const secret = draft.trim();
    if (!secret) return;
    adminToken.set(secret);
    setDraft("");
    setToken(secret);
  };

  const remove = async (sessionId: string) => {
    if (!token) return false;
    const r = await deleteSession(sessionId, token);
    const gone = r.ok || r.error.code === "NOT_FOUND";
    setError(gone ? null : r.error);
    if (gone) setList((l) => (l ? { ...l, sessions: l.sessions.filter((s) => s.id !== sessionId) } : l));
    return gone;
  };

  return (
    <div className="host review-page">
      <PageBar>
        {token ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              adminToken.clear();
              setToken(null);
              setList(null);
            }}
          >
            {t("admin.signOut")}
          </button>
        ) : null}
      </PageBar>
      <main className="review-main narrow-page">
        <h1>{t("admin.heading")}</h1>
        {wrongToken ? (
          <p role="alert" className="error-box">
            {t("admin.wrongToken")}
          </p>
        ) : (
          <ReviewError error={error} />
        )}
        {!token ? (
          <form className="panel admin-form" onSubmit={signIn}>
            <label className="field-label" htmlFor={`${id}-token`}>
              {t("admin.tokenLabel")}
            </label>
            <input
              id={`${id}-token`}
              className="text-input"
              type="password"
              autoComplete="off"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              aria-describedby={`${id}-hint`}
            />
            <p id={`${id}-hint`} className="hint">
              {t("admin.tokenHint")}
            </p>
            <button type="submit" className="button primary big" disabled={draft.trim() === ""}>
              {t("admin.submit")}
            </button>
          </form>
        ) : null}
        {token && list ? (
          list.sessions.length === 0 ? (
            <p className="panel empty-state">{t("admin.empty")}</p>
          ) : (
            <SessionTable sessions={list.sessions} onDelete={remove} />
          )
        ) : null}
        {token && (busy || !list) ? <p className="hint">{t("app.loading")}</p> : null}
        {token && list?.next ? (
          <button
            type="button"
            className="button big load-more"
            disabled={busy}
            onClick={() => void fetchPage(token, list.next)}
          >
            {t("admin.loadMore")}
          </button>
        ) : null}
      </main>
    </div>
  );
}
