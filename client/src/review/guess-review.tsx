/** A stored guess round: the class's average guess against the truth, the scores, and the leaderboard after it. */
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { ReviewRound, StudentParticipation } from "@tokenroom/shared";
import { GuessTruthChart, ScoreHistogram } from "../charts/guess-charts.tsx";
import { GuessLeaderboard } from "../host/guess-leaderboard.tsx";
import { formatInt } from "../lib/format.ts";
import { leaderboardAfter, parseCandidates, summariseGuesses } from "./guess-review-data.ts";

export interface GuessReviewProps {
  round: ReviewRound;
  rounds: ReviewRound[];
  students: StudentParticipation[];
  /** More students on the server than loaded: the figures cover the loaded ones. */
  partial: boolean;
}

export function GuessReview({ round, rounds, students, partial }: GuessReviewProps) {
  const { t } = useTranslation();
  const candidates = useMemo(() => parseCandidates(round.candidates), [round.candidates]);
  const somethingElse = t("guess.somethingElse");
  const labels = useMemo(() => [...(candidates?.tokens ?? []), somethingElse], [candidates, somethingElse]);
  const summary = useMemo(
    () => (candidates ? summariseGuesses(round.id, candidates, students) : null),
    [round.id, candidates, students],
  );
  const leaderboard = useMemo(() => leaderboardAfter(round, rounds, students), [round, rounds, students]);
  if (!candidates || !summary) return <p className="hint">{t("review.noCandidates")}</p>;
  return (
    <div className="guess-results">
      <section className="panel guess-chart-panel">
        <h3>{t("guess.classVsTruth")}</h3>
        <p className="hint">
          {t("review.guessesStored", { count: round.guesses, shown: formatInt(summary.submitted) })}
          {partial ? ` ${t("review.partialStudents")}` : ""}
        </p>
        {summary.averageGuess ? (
          <GuessTruthChart labels={labels} average={summary.averageGuess} truth={candidates.truth} />
        ) : (
          <p className="hint">{t("guess.noGuesses")}</p>
        )}
      </section>
      <section className="panel">
        <h3>{t("guess.scores")}</h3>
        <ScoreHistogram scores={summary.scoresBits} />
        <p className="hint">{t("guess.explain")}</p>
      </section>
      <div className="panel guess-leader-panel">
        <GuessLeaderboard entries={leaderboard} />
      </div>
    </div>
  );
}
