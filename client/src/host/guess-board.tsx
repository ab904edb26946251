/**
 * A guess round on the projector. While guesses are open or locked: how many have guessed and the candidates
 * (never the truth). After the reveal: the class's average guess against the truth, the scores, the leaderboard.
 */
import { memo, useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { GuessSummary, RoundInfo } from "@tokenroom/shared";
import { GuessTruthChart, ScoreHistogram } from "../charts/guess-charts.tsx";
import { formatInt } from "../lib/format.ts";
import { CandidateChips } from "./candidate-chips.tsx";
import { GuessLeaderboard } from "./guess-leaderboard.tsx";

/** Presentation mode: the charts' type (px) and how many leaderboard rows fit the screen. */
export interface GuessPresenting {
  fontSize: number;
  leaderRows: number;
}

export interface GuessBoardProps {
  round: RoundInfo;
  guess: GuessSummary | null;
  /** Students in the room (not removed): the M of "N of M have guessed". */
  students: number;
  presenting?: GuessPresenting;
}

export const GuessBoard = memo(function GuessBoard({ round, guess, students, presenting }: GuessBoardProps) {
  const { t } = useTranslation();
  const somethingElse = t("guess.somethingElse");
  const labels = useMemo(
    () => [...(round.candidates ?? []).map((c) => c.token), somethingElse],
    [round.candidates, somethingElse],
  );
  if (!round.candidates) return null;
  const submitted = guess?.submitted ?? 0;
  const progress = t("guess.progress", { submitted: formatInt(submitted), count: students });

  if (!guess?.truth) {
    const locked = round.guessPhase === "locked" || round.status !== "open";
    return (
      <section className="panel guess-board" aria-labelledby="guess-board-title">
        <h3 id="guess-board-title" className="guess-progress" data-testid="guess-progress" aria-live="polite">
          {progress}
        </h3>
        <p className={locked ? "notice phase" : "hint big-hint"}>
          {locked ? t("guess.lockedNote") : t("guess.openNote")}
        </p>
        <h3>{t("guess.candidates")}</h3>
        <CandidateChips labels={labels} />
      </section>
    );
  }

  if (presenting) {
    // the projector: the chart on the left, the leaderboard and the scores on the right, all on one screen
    // (the charts fill their panels; the leaderboard shows the rows that fit)
    return (
      <div className="guess-results" data-testid="guess-results">
        <section className="panel guess-chart-panel" aria-labelledby="guess-vs-truth-title">
          <h3 id="guess-vs-truth-title">{t("guess.classVsTruth")}</h3>
          <p className="hint">{progress}</p>
          {guess.averageGuess ? (
            <div className="guess-fill">
              <GuessTruthChart
                labels={labels}
                average={guess.averageGuess}
                truth={guess.truth}
                fontSize={presenting.fontSize}
                height="100%"
              />
            </div>
          ) : (
            <p className="hint">{t("guess.noGuesses")}</p>
          )}
        </section>
        <div className="panel guess-leader-panel">
          <GuessLeaderboard entries={guess.leaderboard} maxRows={presenting.leaderRows} presenting />
        </div>
        <section className="panel guess-scores-panel" aria-labelledby="guess-scores-title">
          <h3 id="guess-scores-title">{t("guess.scores")}</h3>
          <div className="guess-fill">
            <ScoreHistogram scores={guess.scoresBits} fontSize={presenting.fontSize} height="100%" />
          </div>
        </section>
      </div>
    );
  }

  return (
    <div className="guess-results">
      <section className="panel guess-chart-panel" aria-labelledby="guess-vs-truth-title">
        <h3 id="guess-vs-truth-title">{t("guess.classVsTruth")}</h3>
        <p className="hint">{progress}</p>
        {guess.averageGuess ? (
          <GuessTruthChart labels={labels} average={guess.averageGuess} truth={guess.truth} />
        ) : (
          <p className="hint">{t("guess.noGuesses")}</p>
        )}
      </section>
      <section className="panel" aria-labelledby="guess-scores-title">
        <h3 id="guess-scores-title">{t("guess.scores")}</h3>
        <ScoreHistogram scores={guess.scoresBits} />
        <p className="hint">{t("guess.explain")}</p>
      </section>
      <div className="panel guess-leader-panel">
        <GuessLeaderboard entries={guess.leaderboard} />
      </div>
    </div>
  );
});
