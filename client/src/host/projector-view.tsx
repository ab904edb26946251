/**
 * Presentation mode: what the class sees on the projector, and nothing else (no setup form, no Remove buttons,
 * no host controls). One focus at a time (the chart that matters now, keys 1–3 switch), a one-line caption of
 * what is happening and what to notice, and a small corner card with the room code and QR code for late
 * joiners. The controls stay in any other window of the host (same host key, same session).
 */
import { RoundTimer } from "../components/round-timer.tsx";
import { playTimeUpCue } from "./timer-sound.ts";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { CompletionsTable } from "../charts/completions-table.tsx";
import { KlChart } from "../charts/kl-chart.tsx";
import { formatInt } from "../lib/format.ts";
import type { HostState } from "./host-session.ts";
import { BeModelBoard } from "./be-model-board.tsx";
import { GuessBoard } from "./guess-board.tsx";
import { ProjectorBars } from "./projector-bars.tsx";
import { QrCode } from "./qr-code.tsx";
import { modelShown } from "./reveal.ts";
import { settingsLine } from "./settings-line.ts";
import { useElementSize, useRootFontPx } from "./use-presentation.ts";
import "./presentation.css";

export type ProjectorFocus = "bars" | "kl" | "completions";

/**
 * Leaderboard rows that fit a guess round's revealed screen, from the focus area's height in rem: what the
 * right column's leaderboard has left beside the scores' histogram (about 11rem) and the panels' own lines
 * (presentation.css: rows of about 1.7rem).
 */
const leaderRows = (heightRem: number) => Math.max(1, Math.floor((heightRem - 18) / 1.7));
const FOCUS_KEYS: Record<string, ProjectorFocus> = { "1": "bars", "2": "kl", "3": "completions" };

export function ProjectorView({ state, onExit }: { state: HostState; onExit: () => void }) {
  const { t } = useTranslation();
  const [focus, setFocus] = useState<ProjectorFocus>("bars");
  const rem = useRootFontPx(true);
  const [focusRef, focusSize] = useElementSize<HTMLElement>();
  const { session, round, stats, theory, history, participants } = state;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const next = FOCUS_KEYS[e.key];
      if (next) setFocus(next);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  // a new round starts on its distribution
  useEffect(() => setFocus("bars"), [round?.id]);

  if (!session) return null;
  const present = participants.filter((p) => !p.removed);
  const exit = (
    <button type="button" className="projector-exit" onClick={onExit}>
      {t("present.exit")}
    </button>
  );
  const shortUrl = session.joinUrl.replace(/^https?:\/\//, "");
  const cut = shortUrl.indexOf("/");
  const [site, path] = cut > 0 ? [shortUrl.slice(0, cut), shortUrl.slice(cut)] : [shortUrl, ""];

  if (session.ended) {
    return (
      <main className="projector" data-testid="projector">
        <div className="projector-main">
          <section className="projector-focus projector-ended" ref={focusRef}>
            <h1>{t("present.endedTitle")}</h1>
          </section>
          <p className="projector-caption" data-testid="projector-caption" role="status">
            {t("present.ended")}
          </p>
        </div>
        {exit}
      </main>
    );
  }

  if (!round) {
    return (
      <main className="projector" data-testid="projector">
        <div className="projector-main">
          <section
            className="projector-focus projector-lobby"
            ref={focusRef}
            aria-labelledby="projector-lobby-title"
          >
            <h1 id="projector-lobby-title" className="visually-hidden">
              {t("lobby.howToJoin")}
            </h1>
            <p className="projector-join-url">{shortUrl}</p>
            <p className="room-code" data-testid="room-code">
              {session.code}
            </p>
            <QrCode text={session.joinUrl} size={480} label={t("lobby.qr", { url: session.joinUrl })} />
          </section>
          <p className="projector-caption" data-testid="projector-caption" role="status">
            {t("present.lobby", { count: present.length })}
          </p>
        </div>
        {exit}
      </main>
    );
  }

  const shown = modelShown(round) ? theory : null;
  const n = stats?.n ?? 0;
  const settings = settingsLine(round, t, [
    round.mode === "guess" ? t("live.guessMode") : null,
    round.beModel ? t("beModel.modeBadge") : null,
  ]);

  let caption: string;
  let body: React.ReactNode;
  // a guess round shows its board until the reveal; after it, keys 2 and 3 show the sampling that follows
  const guessBoard = round.mode === "guess" && (focus === "bars" || !state.guess?.truth);
  if (round.beModel) {
    caption = t("present.beModel");
    body = <BeModelBoard round={round} summary={state.beModel} students={present.length} />;
  } else if (guessBoard) {
    caption = state.guess?.truth
      ? t("present.guessRevealed")
      : round.guessPhase === "locked" || round.status !== "open"
        ? t("present.guessLocked")
        : t("present.guess");
    body = (
      <GuessBoard
        round={round}
        guess={state.guess}
        students={present.length}
        presenting={{ fontSize: Math.round(rem * 0.85), leaderRows: leaderRows(focusSize.height / rem) }}
      />
    );
  } else if (focus === "kl") {
    caption = t(round.mode === "guess" ? "present.guessKl" : "present.kl");
    body = (
      <KlChart
        history={history}
        support={theory?.support ?? 0}
        fontSize={Math.round(rem * 0.85)}
        height={Math.max(200, focusSize.height - rem * 3)}
        firstOnly
      />
    );
  } else if (focus === "completions") {
    caption = t(round.mode === "guess" ? "present.guessCompletions" : "present.completions");
    body = <CompletionsTable stats={stats} hideModel={shown === null} limit={6} />;
  } else {
    caption =
      round.status === "closed"
        ? t("present.closed", { count: n })
        : round.status === "revealed"
          ? t("present.revealed", { count: n })
          : shown === null
            ? t("present.openHidden", { count: n })
            : t("present.openShown", { count: n });
    body = (
      <ProjectorBars
        stats={stats}
        theory={shown}
        pending={shown === null && round.hideUntilReveal}
        height={focusSize.height}
      />
    );
  }

  return (
    <main className="projector" data-testid="projector">
      <div className="projector-main">
        <header className="projector-head">
          <h1 className="projector-prompt">
            {round.prompt}
            <span className="cursor" aria-hidden="true" />
          </h1>
          {/* the round's line: the heading above the focus area's panels (h3) */}
          <h2 className="projector-meta">
            {t("live.round", { seq: round.seq })} · {settings.join(" · ")} ·{" "}
            <span data-testid="projector-n">{t("present.samples", { count: n, n: formatInt(n) })}</span>{" "}
            <RoundTimer round={round} onTimeUp={playTimeUpCue} />
          </h2>
        </header>
        {/* a be-the-model round's passage can outgrow the screen: its area scrolls, so the keyboard can reach it */}
        <section
          className={round.beModel ? "projector-focus scroll" : "projector-focus"}
          ref={focusRef}
          tabIndex={round.beModel ? 0 : undefined}
          data-testid="projector-focus"
        >
          {body}
        </section>
        <p className="projector-caption" data-testid="projector-caption" role="status">
          {caption}
        </p>
      </div>
      <aside className="projector-join" data-testid="projector-join" aria-label={t("lobby.howToJoin")}>
        <p className="projector-join-code">{session.code}</p>
        <QrCode text={session.joinUrl} size={240} label={t("lobby.qr", { url: session.joinUrl })} />
        <p className="projector-join-small">
          {site}
          <wbr />
          {path}
        </p>
      </aside>
      {exit}
    </main>
  );
}
