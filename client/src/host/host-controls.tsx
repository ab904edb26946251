/** The host's bar: the room, lock, round controls (reveal, close, new temperature, new round) and end session. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitcher } from "../components/language-switcher.tsx";
import type { HostState } from "./host-session.ts";

export interface HostControlsProps {
  state: HostState;
  editing: boolean;
  onReveal: () => void;
  /** Guess rounds: stop taking guesses before the reveal. */
  onLockGuesses?: () => void;
  /** "Be the model": the next word of the series, after this one's reveal. */
  onNextWord?: () => void;
  onClose: () => void;
  onNewTemperature: () => void;
  onNewRound: () => void;
  onLock: (locked: boolean) => void;
  onEnd: () => void;
  /** Presentation mode in this window (the projector); the controls stay in any other window of the host. */
  onPresent?: () => void;
}

export function HostControls({
  state,
  editing,
  onReveal,
  onLockGuesses,
  onNextWord,
  onClose,
  onNewTemperature,
  onNewRound,
  onLock,
  onEnd,
  onPresent,
}: HostControlsProps) {
  const { t } = useTranslation();
  const [confirmEnd, setConfirmEnd] = useState(false);
  const { session, round, busy } = state;
  const ended = session?.ended ?? false;
  const off = busy || ended || !state.connected;
  return (
    <header className="host-bar">
      <h1 className="brand">{t("app.name")}</h1>
      <nav className="bar-actions" aria-label={t("host.controls")}>
        {onPresent ? (
          <>
            <button type="button" className="button" title={t("present.startTitle")} onClick={onPresent}>
              {t("present.start")}
            </button>
            {/* between rounds only, like the sessions link: the bar is full during one */}
            {round && round.status !== "closed" && !editing ? null : (
              <a
                className="button"
                href={window.location.pathname}
                target="_blank"
                rel="noopener"
                title={t("present.secondWindowTitle")}
              >
                {t("present.secondWindow")}
              </a>
            )}
          </>
        ) : null}
        {round && round.status !== "closed" && !editing ? (
          <>
            {round.mode === "guess" && round.status === "open" && round.guessPhase && onLockGuesses ? (
              <button
                type="button"
                className="button"
                disabled={off || round.guessPhase === "locked"}
                onClick={onLockGuesses}
              >
                {round.guessPhase === "locked" ? t("guess.locked") : t("guess.lock")}
              </button>
            ) : null}
            {round.beModel && round.status === "revealed" && onNextWord ? (
              <button
                type="button"
                className="button primary"
                disabled={off || round.beModel.step + 1 >= round.beModel.words}
                onClick={onNextWord}
              >
                {round.beModel.step + 1 >= round.beModel.words
                  ? t("beModel.lastWord")
                  : t("beModel.nextWord")}
              </button>
            ) : (
              <button
                type="button"
                className="button primary"
                disabled={off || round.status === "revealed"}
                onClick={onReveal}
              >
                {round.status === "revealed"
                  ? t("host.revealed")
                  : round.beModel
                    ? t("beModel.revealWord")
                    : t("host.reveal")}
              </button>
            )}
            <button type="button" className="button" disabled={off} onClick={onClose}>
              {t("host.close")}
            </button>
          </>
        ) : null}
        {round && !editing ? (
          <>
            {round.beModel ? null : (
              <button type="button" className="button" disabled={off} onClick={onNewTemperature}>
                {t("host.newTemperature")}
              </button>
            )}
            <button type="button" className="button" disabled={off} onClick={onNewRound}>
              {t("host.newRound")}
            </button>
          </>
        ) : null}
        {session ? (
          <button
            type="button"
            className={`button toggle${session.locked ? " on" : ""}`}
            aria-pressed={session.locked}
            disabled={off}
            onClick={() => onLock(!session.locked)}
          >
            {session.locked ? t("host.unlock") : t("host.lock")}
          </button>
        ) : null}
        {confirmEnd ? (
          <span className="confirm" role="group" aria-label={t("host.endConfirm")}>
            <span>{t("host.endConfirm")}</span>
            <button
              type="button"
              className="button danger"
              disabled={off}
              onClick={() => {
                setConfirmEnd(false);
                onEnd();
              }}
            >
              {t("host.endYes")}
            </button>
            <button type="button" className="button" onClick={() => setConfirmEnd(false)}>
              {t("host.endNo")}
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="button danger-outline"
            disabled={off}
            onClick={() => setConfirmEnd(true)}
          >
            {t("host.end")}
          </button>
        )}
        {/* between rounds only (the bar is full during one); a new tab, so the projector keeps the session */}
        {!round || round.status === "closed" || editing || ended ? (
          <a className="button" href="/sessions" target="_blank" rel="noopener">
            {t("sessions.link")}
          </a>
        ) : null}
      </nav>
      <LanguageSwitcher />
    </header>
  );
}
