/** The live round on the projector: counters, first-token bars, KL vs N, whole completions and the metrics. */
import { RoundTimer } from "../components/round-timer.tsx";
import { playTimeUpCue } from "./timer-sound.ts";
import { memo } from "react";
import { useTranslation } from "react-i18next";
import type {
  BeModelSummary,
  GuessSummary,
  KlPoint,
  ParticipantInfo,
  RoundInfo,
  RoundStats,
  TheoryView,
} from "@tokenroom/shared";
import { CompletionsTable } from "../charts/completions-table.tsx";
import { DistributionChart } from "../charts/distribution-chart.tsx";
import { KlChart } from "../charts/kl-chart.tsx";
import { Counter } from "../components/counter.tsx";
import { ModelSamplerBars } from "../components/model-sampler-bars.tsx";
import { fromTheory } from "../lib/model-sampler.ts";
import { formatInt, formatNumber } from "../lib/format.ts";
import { BeModelBoard } from "./be-model-board.tsx";
import { GuessBoard } from "./guess-board.tsx";
import { MetricsPanel } from "./metrics-panel.tsx";
import { modelShown } from "./reveal.ts";
import { settingsLine } from "./settings-line.ts";

export interface LiveRoundProps {
  round: RoundInfo;
  theory: TheoryView | null;
  stats: RoundStats | null;
  history: KlPoint[];
  participants: ParticipantInfo[];
  /** Guess rounds: the guess summary (the sampling charts, which show the truth, wait for the reveal). */
  guess?: GuessSummary | null;
  /** "Be the model" rounds: the series summary (the sampling panels are not shown). */
  beModel?: BeModelSummary | null;
  /** [TM1] Show the round timer here (presentation mode shows it in its own header instead). */
  timer?: boolean;
}

export const LiveRound = memo(function LiveRound({
  round,
  theory,
  stats,
  history,
  participants,
  guess = null,
  beModel = null,
  timer = true,
}: LiveRoundProps) {
  const { t } = useTranslation();
  const present = participants.filter((p) => !p.removed);
  const online = present.filter((p) => p.connected).length;
  if (round.beModel) {
    return (
      <section className="live" aria-labelledby="live-title">
        <div className="live-head">
          <h2 id="live-title" className="eyebrow">
            {t("live.round", { seq: round.seq })}{" "}
            <span className={`badge status-${round.status}`}>
              {t("beModel.status", { step: round.beModel.step + 1, words: round.beModel.words })}
            </span>
          </h2>
          <p className="live-settings">{t("beModel.modeBadge")}</p>
        </div>
        <BeModelBoard round={round} summary={beModel} students={present.length} />
      </section>
    );
  }
  const settings = settingsLine(round, t, [
    t("live.length", { count: round.maxTokens }),
    round.mode === "guess" ? t("live.guessMode") : null,
  ]);
  const guessing = round.mode === "guess" && round.status === "open";
  // [RV1] the projector keeps the model's distribution for the reveal
  const shown = modelShown(round) ? theory : null;
  const guessStatus = round.guessPhase === "locked" ? t("guess.locked") : t("guess.statusGuessing");
  const status = guessing
    ? guessStatus
    : round.status === "open"
      ? t("live.statusOpen")
      : round.status === "revealed"
        ? t("live.statusRevealed")
        : t("live.statusClosed");

  return (
    <section className="live" aria-labelledby="live-title">
      <div className="live-head">
        <h2 id="live-title" className="eyebrow">
          {t("live.round", { seq: round.seq })}{" "}
          <span className={`badge status-${round.status}`}>{status}</span>
        </h2>
        <p className="live-prompt">
          {round.prompt}
          <span className="cursor" aria-hidden="true" />
        </p>
        <p className="live-settings">{settings.join(" · ")}</p>
        {timer ? <RoundTimer round={round} onTimeUp={playTimeUpCue} /> : null}
      </div>

      {round.mode === "guess" ? <GuessBoard round={round} guess={guess} students={present.length} /> : null}
      {guessing ? null : (
        <>
          <div className="counters-row" role="status" aria-live="off">
            <Counter
              label={t("live.studentsOnline", { total: present.length })}
              value={formatInt(online)}
              testId="stat-students"
            />
            <Counter label={t("live.samples")} value={formatInt(stats?.n ?? 0)} testId="stat-n" />
            <Counter
              label={t("live.perSecond")}
              testId="stat-rate"
              value={formatNumber(round.status === "closed" ? 0 : (stats?.samplesPerSecond ?? 0))}
            />
            <Counter label={t("live.contributors")} value={formatInt(stats?.contributors ?? 0)} />
            <Counter label={t("live.distinct")} value={formatInt(stats?.completions.distinct ?? 0)} />
          </div>

          <div className="live-grid">
            <div className="panel">
              <h3>{t("live.firstToken")}</h3>
              <DistributionChart stats={stats} theory={shown} maxRows={10} rowHeight={38} fontSize={18} />
              {shown === null && theory !== null ? (
                <p className="hint" data-testid="model-hidden">
                  {t("present.modelHidden")}
                </p>
              ) : null}
            </div>
            <div className="panel">
              <h3>{t("live.klTitle")}</h3>
              <KlChart history={history} support={theory?.support ?? 0} fontSize={18} />
              <p className="hint">{t("live.klCompletionHint")}</p>
              <p className="hint">{t("live.klHint")}</p>
            </div>
          </div>
          {shown ? (
            <div className="panel" data-testid="model-sampler-panel">
              <h3>{t("teach.title")}</h3>
              <ModelSamplerBars view={fromTheory(shown)} settings={round} maxRows={10} />
            </div>
          ) : null}
          <div className="live-grid wide-left">
            <div className="panel">
              <h3>{t("live.completions")}</h3>
              <CompletionsTable stats={stats} hideModel={shown === null} />
            </div>
            <div className="panel">
              <h3>{t("live.metrics")}</h3>
              <MetricsPanel stats={stats} theory={shown} />
            </div>
          </div>
        </>
      )}
    </section>
  );
});
