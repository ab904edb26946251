/**
 * A "be the model" word on the phone: the text so far, the guess editor over the candidates while the word is
 * open, then the true word with the student's loss beside the model's (SPEC [BM1], [BM3]).
 */
import { useTranslation } from "react-i18next";
import { formatBits } from "../lib/format.ts";
import { GuessEditor } from "./guess-editor.tsx";
import type { StudentSession, StudentState } from "./student-session.ts";

export function BeModelPanel({ state, session }: { state: StudentState; session: StudentSession }) {
  const { t } = useTranslation();
  const round = state.round!;
  const bm = round.beModel!;
  const labels = [...(round.candidates ?? []).map((c) => c.token), t("guess.somethingElse")];
  const guess = state.guess?.roundId === round.id ? state.guess : null;
  const open = round.status === "open" && round.guessPhase === "open";
  const trueIndex = guess?.truth ? guess.truth.indexOf(1) : -1;

  return (
    <div className="round be-model-phone">
      <section className="prompt-card" aria-labelledby="prompt-title">
        <h1 id="prompt-title" className="eyebrow">
          {t("live.round", { seq: round.seq })} ·{" "}
          {t("beModel.status", { step: bm.step + 1, words: bm.words })}
        </h1>
        <p className="prompt-text" data-testid="bemodel-phone-text">
          {round.prompt} <span className="blank">＿＿</span>
        </p>
      </section>
      {open ? (
        <GuessEditor
          key={round.id}
          labels={labels}
          saved={guess}
          onSubmit={(probs) => session.submitGuess(probs)}
          title={t("beModel.title")}
          instructions={t("beModel.instructions")}
          submittedHint={t("beModel.submittedHint")}
        />
      ) : guess?.klBits != null && trueIndex >= 0 ? (
        <section className="guess-result" aria-labelledby="bm-result-title" data-testid="bemodel-result">
          <h2 id="bm-result-title">{t("beModel.resultTitle", { word: labels[trueIndex] })}</h2>
          <dl className="score-row">
            <div className="score">
              <dt>{t("beModel.yourLoss")}</dt>
              <dd>
                <span className="score-value" data-testid="bemodel-loss">
                  {formatBits(guess.klBits)}
                </span>{" "}
                {t("guess.bits")}
                <span className="score-note">{t("beModel.lossNote")}</span>
              </dd>
            </div>
            <div className="score">
              <dt>{t("beModel.modelLoss")}</dt>
              <dd>
                <span className="score-value" data-testid="bemodel-model-loss">
                  {guess.modelLossBits == null ? "–" : formatBits(guess.modelLossBits)}
                </span>{" "}
                {t("guess.bits")}
                <span className="score-note">{t("beModel.modelNote")}</span>
              </dd>
            </div>
          </dl>
          <p className="score-explain">{t("beModel.explain")}</p>
        </section>
      ) : (
        <p className="notice phase" role="status">
          {round.status === "open"
            ? t("beModel.waitReveal")
            : guess
              ? t("guess.scoring")
              : t("beModel.skipped")}
        </p>
      )}
    </div>
  );
}
