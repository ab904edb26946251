/** /: host a session, or type a room code to join one. */
import { type FormEvent, useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { createSession } from "../api/http.ts";
import type { ClientError } from "../api/socket.ts";
import { ErrorMessage } from "../components/error-message.tsx";
import { CornerLanguageSwitcher } from "../components/language-switcher.tsx";
import { ROOM_CODE_PATTERN } from "../lib/protocol-limits.ts";
import { hostCredentials } from "../lib/storage.ts";
import { navigate } from "../lib/router.ts";

export default function LandingPage() {
  const { t } = useTranslation();
  const id = useId();
  const [code, setCode] = useState("");
  const [codeError, setCodeError] = useState(false);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  useEffect(() => {
    document.title = t("app.name");
  }, [t]);

  const host = async () => {
    setCreating(true);
    setError(null);
    const r = await createSession();
    setCreating(false);
    if (!r.ok) return setError(r.error);
    hostCredentials.set({ sessionId: r.data.sessionId, hostKey: r.data.hostKey, code: r.data.code });
    navigate(`/host/${encodeURIComponent(r.data.sessionId)}`);
  };

  const join = (e: FormEvent) => {
    e.preventDefault();
    const clean = code.replace(/\s+/g, "").toUpperCase();
    if (!ROOM_CODE_PATTERN.test(clean)) return setCodeError(true);
    navigate(`/join/${clean}`);
  };

  return (
    <main className="landing">
      <CornerLanguageSwitcher />
      <h1 className="landing-title">{t("app.name")}</h1>
      <p className="lead">{t("landing.intro")}</p>
      <div className="landing-grid">
        <section className="panel" aria-labelledby={`${id}-join`}>
          <h2 id={`${id}-join`}>{t("landing.joinTitle")}</h2>
          <form onSubmit={join} noValidate>
            <label htmlFor={`${id}-code`} className="field-label">
              {t("landing.codeLabel")}
            </label>
            <input
              id={`${id}-code`}
              className="text-input code-input"
              value={code}
              onChange={(e) => {
                setCode(e.target.value);
                setCodeError(false);
              }}
              autoCapitalize="characters"
              autoComplete="off"
              spellCheck={false}
              maxLength={12}
              aria-invalid={codeError}
              aria-describedby={`${id}-code-hint`}
            />
            <p
              id={`${id}-code-hint`}
              className={codeError ? "error-box" : "hint"}
              role={codeError ? "alert" : undefined}
            >
              {codeError ? t("landing.codeInvalid") : t("landing.codeHint")}
            </p>
            <button type="submit" className="button primary big">
              {t("landing.join")}
            </button>
          </form>
        </section>
        <section className="panel" aria-labelledby={`${id}-host`}>
          <h2 id={`${id}-host`}>{t("landing.hostTitle")}</h2>
          <p>{t("landing.hostText")}</p>
          <button type="button" className="button big" onClick={() => void host()} disabled={creating}>
            {creating ? t("landing.creating") : t("landing.host")}
          </button>
          <ErrorMessage error={error} />
          <p className="landing-link">
            <a
              href="/sessions"
              onClick={(e) => {
                e.preventDefault();
                navigate("/sessions");
              }}
            >
              {t("landing.mySessions")}
            </a>
          </p>
        </section>
      </div>
    </main>
  );
}
