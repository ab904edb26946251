/** A guess round on the phone, phase by phase: guess (until the lock), wait for the reveal, then the score. */
import { useTranslation } from "react-i18next";
import type { GuessResult } from "@tokenroom/shared";
import { formatBits, formatInt, formatWholePercent } from "../lib/format.ts";
import { outcomeColor } from "../lib/prob-colors.ts";
import { GuessVsTruth, StackedGuessBar } from "./guess-bars.tsx";
import { GuessEditor } from "./guess-editor.tsx";
import { probsToPercents } from "./guess-percents.ts";
import type { StudentSession, StudentState } from "./student-session.ts";

export function GuessPanel({ state, session }: { state: StudentState; session: StudentSession }) {
  const { t } = useTranslation();
  const round = state.round;
  if (!round?.candidates) return null;
  const labels = [...round.candidates.map((c) => c.token), t("guess.somethingElse")];
  const guess = state.guess?.roundId === round.id ? state.guess : null;

  if (round.status === "open" && round.guessPhase === "open") {
    return (
      <GuessEditor
        key={round.id}
        labels={labels}
        saved={guess}
        onSubmit={(probs) => session.submitGuess(probs)}
      />
    );
  }
  if (round.status === "open") {
    const percents = guess ? probsToPercents(guess.probs, labels.length) : null;
    return (
      <section className="guess-editor" aria-labelledby="guess-title">
        <p className="notice phase" role="status">
          {t("guess.lockedWait")}
        </p>
        <h2 id="guess-title">{t("guess.yourGuess")}</h2>
        {percents ? (
          <>
            <StackedGuessBar labels={labels} percents={percents} />
            {/* every word in full with its share: the bar abbreviates narrow segments */}
            <ul className="guess-summary" aria-hidden="true">
              {labels.map((label, i) => (
                <li key={i}>
                  <span
                    className="swatch-dot"
                    style={{ background: outcomeColor(i, labels.length).background }}
                  />
                  <span className={i === labels.length - 1 ? "else-label" : undefined}>{label}</span>
                  <span className="guess-summary-p">{formatWholePercent(percents[i] ?? 0)}</span>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p>{t("guess.noGuess")}</p>
        )}
      </section>
    );
  }
  if (guess?.truth && guess.klBits !== null && guess.points !== null) {
    return (
      <GuessScore
        labels={labels}
        guess={guess}
        truth={guess.truth}
        klBits={guess.klBits}
        points={guess.points}
      />
    );
  }
  if (round.status === "closed") return null; // closed before a reveal: nothing was scored
  return (
    <p className="notice" role="status">
      {guess ? t("guess.scoring") : t("guess.noGuess")}
    </p>
  );
}

interface GuessScoreProps {
  labels: string[];
  guess: GuessResult;
  truth: number[];
  klBits: number;
  points: number;
}

function GuessScore({ labels, guess, truth, klBits, points }: GuessScoreProps) {
  const { t } = useTranslation();
  return (
    <section className="guess-result" aria-labelledby="guess-result-title" data-testid="guess-result">
      <h2 id="guess-result-title">{t("guess.resultTitle")}</h2>
      <dl className="score-row">
        <div className="score">
          <dt>{t("guess.score")}</dt>
          <dd>
            <span className="score-value" data-testid="guess-kl">
              {formatBits(klBits)}
            </span>{" "}
            {t("guess.bits")}
            <span className="score-note">{t("guess.perfect")}</span>
          </dd>
        </div>
        <div className="score">
          <dt>{t("guess.points")}</dt>
          <dd>
            <span className="score-value" data-testid="guess-points">
              {formatInt(points)}
            </span>
            <span className="score-note">{t("guess.pointsOf")}</span>
          </dd>
        </div>
      </dl>
      <GuessVsTruth labels={labels} guess={guess.probs} truth={truth} />
      <p className="score-explain">{t("guess.explain")}</p>
    </section>
  );
}
