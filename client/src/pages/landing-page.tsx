/** /: host a session, or type a room code to join one. */
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { createSession } from "../api/http.ts";
import type { ClientError } from "../api/socket.ts";
import { ErrorMessage } from "../components/error-message.tsx";
import { CornerLanguageSwitcher } from "../components/language-switcher.tsx";
import { RoomCodeForm } from "../components/room-code-form.tsx";
import { hostCredentials } from "../lib/storage.ts";
import { navigate } from "../lib/router.ts";

export default function LandingPage() {
  const { t } = useTranslation();
  const id = useId();
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

  return (
    <main className="landing">
      <CornerLanguageSwitcher />
      <h1 className="landing-title">{t("app.name")}</h1>
      <p className="lead">{t("landing.intro")}</p>
      <div className="landing-grid">
        <section className="panel" aria-labelledby={`${id}-join`}>
          <h2 id={`${id}-join`}>{t("landing.joinTitle")}</h2>
          <RoomCodeForm submitLabel={t("landing.join")} />
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
