/** /join/:code: the student's phone. One engine worker and one session per page. */
import { useEffect, useState, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage } from "../components/error-message.tsx";
import { LanguageSwitcher } from "../components/language-switcher.tsx";
import { EngineClient } from "../engine-worker/engine-client.ts";
import { navigate } from "../lib/router.ts";
import { JoinForm } from "../student/join-form.tsx";
import { RoundView } from "../student/round-view.tsx";
import { StudentSession } from "../student/student-session.ts";

export default function StudentPage({ code }: { code: string }) {
  const [session, setSession] = useState<StudentSession | null>(null);
  useEffect(() => {
    const engine = new EngineClient();
    const s = new StudentSession(code, engine);
    s.start();
    setSession(s);
    return () => {
      s.dispose();
      engine.terminate();
    };
  }, [code]);
  return session ? <StudentScreen session={session} /> : null;
}

function StudentScreen({ session }: { session: StudentSession }) {
  const { t } = useTranslation();
  const state = useSyncExternalStore(session.subscribe, session.getState);
  const over = state.phase === "ended" || state.phase === "removed";
  // the room is named once this phone is in it: a /join link's code may be wrong (the form says so)
  const joining = state.phase === "join";
  useEffect(() => {
    document.title = joining ? t("app.name") : t("student.documentTitle", { code: state.code });
  }, [t, state.code, joining]);
  return (
    <div className="student">
      <header className="student-header">
        <span className="student-room">
          {joining ? t("app.name") : t("student.room", { code: state.code })}
        </span>
        {state.nickname ? <span className="student-name">{state.nickname}</span> : null}
        {/* over: no "online" badge for a session that is gone */}
        {over ? (
          <span className="status-spacer" />
        ) : (
          <span className={`status-dot ${state.connected ? "online" : "offline"}`} role="status">
            <span className="status-text">
              {state.connected ? t("student.online") : t("student.offline")}
            </span>
          </span>
        )}
        <LanguageSwitcher compact />
      </header>
      <main className="student-main">
        {state.phase !== "ready" ? <ErrorMessage error={state.error} /> : null}
        {state.phase === "join" ? (
          <JoinForm state={state} onJoin={(name) => void session.join(name)} />
        ) : null}
        {state.phase === "connecting" ? <p className="notice">{t("student.reconnecting")}</p> : null}
        {state.phase === "ready" && !state.round ? <Waiting nickname={state.nickname} /> : null}
        {state.phase === "ready" && state.round ? <RoundView state={state} session={session} /> : null}
        {state.phase === "removed" ? (
          <Ended title={t("student.removedTitle")} text={t("student.removed")} />
        ) : null}
        {state.phase === "ended" ? <Ended title={t("student.endedTitle")} text={t("student.ended")} /> : null}
      </main>
    </div>
  );
}

function Waiting({ nickname }: { nickname: string | null }) {
  const { t } = useTranslation();
  return (
    <section className="waiting" aria-live="polite">
      <h1>{t("student.welcome", { name: nickname ?? "" })}</h1>
      <p>{t("student.waiting")}</p>
      <div className="pulse" aria-hidden="true" />
    </section>
  );
}

function Ended({ title, text }: { title: string; text: string }) {
  const { t } = useTranslation();
  return (
    <section className="waiting ended" role="status">
      <h1>{title}</h1>
      <p>{text}</p>
      <button type="button" className="button" onClick={() => navigate("/")}>
        {t("app.home")}
      </button>
    </section>
  );
}
