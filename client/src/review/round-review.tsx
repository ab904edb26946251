/**
 * One stored round: its settings in words and its prompt, the counters, the first-token bars with their
 * counts, the KL replay, the completions, the information metrics, and for a guess round the guesses.
 */
import { memo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ReviewRound, StudentParticipation } from "@tokenroom/shared";
import type { ClientError } from "../api/socket.ts";
import { CompletionsTable } from "../charts/completions-table.tsx";
import { DistributionChart } from "../charts/distribution-chart.tsx";
import { Counter } from "../components/counter.tsx";
import { ModelSamplerBars } from "../components/model-sampler-bars.tsx";
import { fromTheory } from "../lib/model-sampler.ts";
import { MetricsPanel } from "../host/metrics-panel.tsx";
import { formatInt, formatNumber } from "../lib/format.ts";
import { useModelText } from "../i18n/model-text.ts";
import { describeSettings } from "../student/settings-words.ts";
import { FirstTokenTable } from "./first-token-table.tsx";
import { formatDateTime, formatDuration } from "./format-date.ts";
import { BeModelReview } from "./be-model-review.tsx";
import { GuessReview } from "./guess-review.tsx";
import { KlReplay } from "./kl-replay.tsx";
import { ReviewError } from "./review-error.tsx";
import { runAgain } from "./run-again.ts";

export interface RoundReviewProps {
  round: ReviewRound;
  rounds: ReviewRound[];
  students: StudentParticipation[];
  partialStudents: boolean;
}

/** The round's real state: closed, revealed (still open), or still open (a review can be opened mid-round). */
export function roundStateKey(round: Pick<ReviewRound, "closedAt" | "revealedAt">) {
  if (round.closedAt) return "review.stateClosed" as const;
  if (round.revealedAt) return "review.stateRevealed" as const;
  return "review.stateOpen" as const;
}

export const RoundReview = memo(function RoundReview({
  round,
  rounds,
  students,
  partialStudents,
}: RoundReviewProps) {
  const { t } = useTranslation();
  const modelText = useModelText();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const { stats, theory } = round;
  const end = round.closedAt ?? round.lastSampleAt;
  const duration = end ? formatDuration(round.startedAt, end) : null;
  const titleId = `round-${round.id}`;
  const again = async () => {
    setStarting(true);
    const failed = await runAgain(round);
    setStarting(false);
    setError(failed);
  };

  return (
    <section className="review-round" aria-labelledby={titleId} data-testid="review-round">
      <div className="round-head panel">
        <div className="round-head-text">
          <h2 id={titleId} className="eyebrow">
            {t("live.round", { seq: round.seq })}{" "}
            <span className="badge">
              {round.mode === "guess"
                ? t("review.modeGuess")
                : round.mode === "be-model"
                  ? t("beModel.modeBadge")
                  : t("review.modeSample")}
            </span>{" "}
            <span className="badge" data-testid="round-state">
              {t(roundStateKey(round))}
            </span>
          </h2>
          <p className="live-prompt">{round.prompt}</p>
          <ul className="settings-words review-settings">
            {(round.mode === "be-model" ? [] : describeSettings(round, t)).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p className="hint">
            {t("review.roundMeta", {
              model: modelText({ id: round.modelId, name: round.modelName ?? round.modelId, description: "" })
                .name,
              started: formatDateTime(round.startedAt),
            })}
            {duration ? ` · ${t("review.lasted", { duration })}` : ""}
          </p>
          {round.modelAvailable ? null : <p className="notice">{t("review.modelMissing")}</p>}
        </div>
        <div className="round-head-actions">
          <button
            type="button"
            className="button big"
            disabled={starting || round.mode === "be-model"}
            onClick={() => void again()}
          >
            {starting ? t("landing.creating") : t("review.runAgain")}
          </button>
          <p className="hint">{t("review.runAgainHint")}</p>
          <ReviewError error={error} />
        </div>
      </div>

      <div className="counters-row">
        <Counter label={t("live.samples")} value={formatInt(stats.n)} testId="round-n" />
        <Counter
          label={t("live.contributors")}
          value={formatInt(stats.contributors)}
          testId="round-contributors"
        />
        <Counter label={t("live.distinct")} value={formatInt(stats.completions.distinct)} />
        <Counter label={t("review.meanRate")} value={formatNumber(stats.samplesPerSecond)} />
        {round.mode === "guess" ? (
          <Counter label={t("review.guesses")} value={formatInt(round.guesses)} />
        ) : null}
      </div>

      {round.mode === "guess" ? (
        <GuessReview round={round} rounds={rounds} students={students} partial={partialStudents} />
      ) : null}
      {round.mode === "be-model" ? <BeModelReview round={round} students={students} /> : null}

      {round.mode === "be-model" ? null : (
        <>
          <div className="live-grid">
            <div className="panel">
              <h3>{t("live.firstToken")}</h3>
              <DistributionChart stats={stats} theory={theory} maxRows={10} rowHeight={38} fontSize={18} />
              <FirstTokenTable stats={stats} theory={theory} />
            </div>
            <div className="panel">
              <h3>{t("live.klTitle")}</h3>
              <KlReplay curve={round.klCurve} support={theory.support} />
              <p className="hint">{t("review.klHint")}</p>
            </div>
          </div>
          <div className="panel" data-testid="model-sampler-panel">
            <h3>{t("teach.title")}</h3>
            <ModelSamplerBars view={fromTheory(theory)} settings={round} maxRows={10} />
          </div>
          <div className="live-grid wide-left">
            <div className="panel">
              <h3>{t("live.completions")}</h3>
              <CompletionsTable stats={stats} limit={20} />
            </div>
            <div className="panel">
              <h3>{t("live.metrics")}</h3>
              <MetricsPanel stats={stats} theory={theory} />
            </div>
          </div>
        </>
      )}
    </section>
  );
});
