/** /host/:sessionId: the instructor's laptop and projector. The host key comes from this browser's storage. */
import { useEffect, useState, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage } from "../components/error-message.tsx";
import { CornerLanguageSwitcher } from "../components/language-switcher.tsx";
import { HostControls } from "../host/host-controls.tsx";
import { HostSession } from "../host/host-session.ts";
import { JoinCard } from "../host/join-card.tsx";
import { LiveRound } from "../host/live-round.tsx";
import { ParticipantList } from "../host/participant-list.tsx";
import { ProjectorView } from "../host/projector-view.tsx";
import { RoundSetup } from "../host/round-setup.tsx";
import { setupPrefill, usablePrefill } from "../host/setup-prefill.ts";
import { defaultSetup, sameWithNewTemperature, type SetupValues, toSettings } from "../host/setup-values.ts";
import { useModelList } from "../host/use-model.ts";
import { usePresentation } from "../host/use-presentation.ts";
import { hostCredentials } from "../lib/storage.ts";
import { navigate } from "../lib/router.ts";

export default function HostPage({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const credentials = hostCredentials.get(sessionId);
  useEffect(() => {
    document.title = t("host.documentTitle");
  }, [t]);
  if (!credentials) {
    return (
      <main className="host narrow">
        <CornerLanguageSwitcher />
        <h1>{t("host.noKeyTitle")}</h1>
        <p className="lead">{t("host.noKey")}</p>
        <button type="button" className="button primary big" onClick={() => navigate("/")}>
          {t("app.home")}
        </button>
      </main>
    );
  }
  return <HostRoom sessionId={sessionId} hostKey={credentials.hostKey} />;
}

function HostRoom({ sessionId, hostKey }: { sessionId: string; hostKey: string }) {
  const [host, setHost] = useState<HostSession | null>(null);
  useEffect(() => {
    const h = new HostSession(sessionId, hostKey);
    h.start();
    setHost(h);
    return () => h.dispose();
  }, [sessionId, hostKey]);
  return host ? <HostScreen host={host} /> : null;
}

function HostScreen({ host }: { host: HostSession }) {
  const { t, i18n } = useTranslation();
  const state = useSyncExternalStore(host.subscribe, host.getState);
  const { models, failed, reload } = useModelList(host.auth);
  const [setup, setSetup] = useState<SetupValues | null>(null);
  const [editing, setEditing] = useState<false | "new" | "temperature">(false);
  // "Run again" from a review hands its round's settings over (read once, forgotten once applied)
  const [prefill] = useState(() => setupPrefill.read(host.sessionId));
  const [presenting, setPresenting] = usePresentation();
  useEffect(() => {
    if (!models || setup) return;
    setSetup(usablePrefill(prefill, models) ?? defaultSetup(models, i18n.language));
    setupPrefill.clear(host.sessionId);
  }, [models, setup, i18n.language, prefill, host.sessionId]);

  if (state.status === "forbidden") {
    return (
      <main className="host narrow">
        <CornerLanguageSwitcher />
        <h1>{t("host.noKeyTitle")}</h1>
        <p className="lead">{t("host.forbidden")}</p>
        <button type="button" className="button primary big" onClick={() => navigate("/")}>
          {t("app.home")}
        </button>
      </main>
    );
  }
  const { session, round } = state;
  if (!session)
    return (
      <main className="host narrow">
        <CornerLanguageSwitcher />
        <h1>{t("app.name")}</h1>
        <p className="lead">{t("host.connecting")}</p>
      </main>
    );
  if (presenting) return <ProjectorView state={state} onExit={() => setPresenting(false)} />;
  const ended = session.ended;
  const showLive = round !== null && !editing;

  const start = async (values: SetupValues) => {
    if (await host.startRound(toSettings(values))) setEditing(false);
  };
  const setupPanel =
    models && setup ? (
      <RoundSetup
        models={models}
        values={setup}
        onChange={setSetup}
        onStart={(v) => void start(v)}
        busy={state.busy}
        disabled={ended || !state.connected}
        onCancel={round && editing ? () => setEditing(false) : undefined}
        focusTemperature={editing === "temperature"}
        training={{ auth: host.auth, reloadModels: reload }}
      />
    ) : (
      <p className="panel hint">{failed ? t("host.modelsFailed") : t("app.loading")}</p>
    );

  return (
    <main className="host">
      <HostControls
        state={state}
        onReveal={() => void host.reveal()}
        onLockGuesses={() => void host.lockGuesses()}
        onNextWord={() => void host.nextWord()}
        onClose={() => void host.close()}
        onNewTemperature={() => {
          if (round) setSetup(sameWithNewTemperature(round));
          setEditing("temperature");
        }}
        onNewRound={() => {
          window.scrollTo({ top: 0 });
          setEditing("new");
        }}
        onLock={(locked) => void host.setLocked(locked)}
        onEnd={() => void host.end()}
        onPresent={() => setPresenting(true)}
        editing={editing !== false}
      />
      {ended ? (
        <p className="banner" role="status">
          {t("host.ended")}
        </p>
      ) : null}
      <ErrorMessage error={state.error} audience="host" />
      {!state.connected ? (
        <p className="banner warn" role="status">
          {t("host.offline")}
        </p>
      ) : null}
      {showLive ? (
        <div className="host-live">
          <LiveRound
            round={round}
            theory={state.theory}
            stats={state.stats}
            history={state.history}
            participants={state.participants}
            guess={state.guess}
            beModel={state.beModel}
          />
          <aside className="host-side">
            {ended ? null : <JoinCard session={session} compact />}
            <ParticipantList
              participants={state.participants}
              onRemove={(id) => void host.remove(id)}
              disabled={ended || state.busy}
            />
          </aside>
        </div>
      ) : (
        <div className="host-lobby">
          <div className="lobby-main">
            {ended ? null : <JoinCard session={session} />}
            <ParticipantList
              participants={state.participants}
              onRemove={(id) => void host.remove(id)}
              disabled={ended || state.busy}
            />
          </div>
          {setupPanel}
        </div>
      )}
    </main>
  );
}
