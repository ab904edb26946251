/**
 * The guessing phase on a phone: a slider and +/− steppers per outcome that keep the guess at exactly 100%,
 * the guess as a stacked bar, undo, and submit (again and again until the lock). No timer and no speed bonus.
 */
import { useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { GuessResult } from "@tokenroom/shared";
import type { ClientError, ClientResult } from "../api/socket.ts";
import { ErrorMessage } from "../components/error-message.tsx";
import { formatWholePercent } from "../lib/format.ts";
import { outcomeColor } from "../lib/prob-colors.ts";
import { StackedGuessBar } from "./guess-bars.tsx";
import {
  evenPercents,
  percentsToProbs,
  probsToPercents,
  samePercents,
  STEP,
  stepPercents,
  TOTAL,
} from "./guess-percents.ts";

export interface GuessEditorProps {
  /** Candidate tokens in the round's order, then "something else". */
  labels: string[];
  /** The guess the server has (restored after a reload), or null. */
  saved: GuessResult | null;
  onSubmit: (probs: number[]) => Promise<ClientResult<GuessResult>>;
  /** Heading and instructions ("be the model" words have their own). */
  title?: string;
  instructions?: string;
  submittedHint?: string;
}

export function GuessEditor({
  labels,
  saved,
  onSubmit,
  title,
  instructions,
  submittedHint,
}: GuessEditorProps) {
  const { t } = useTranslation();
  const id = useId();
  const savedPercents = saved ? probsToPercents(saved.probs, labels.length) : null;
  const [percents, setPercents] = useState<number[]>(() => savedPercents ?? evenPercents(labels.length));
  const [history, setHistory] = useState<number[][]>([]);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const submitted = samePercents(percents, savedPercents);
  /** The outcome the last slider move changed: one drag is one undo step. */
  const sliding = useRef<number | null>(null);

  const press = (index: number, delta: number, fromSlider = false) => {
    const next = stepPercents(percents, index, delta);
    if (samePercents(next, percents)) return;
    if (!fromSlider || sliding.current !== index) setHistory((h) => [...h, percents]);
    sliding.current = fromSlider ? index : null;
    setPercents(next);
    setError(null);
  };
  const undo = () => {
    const last = history[history.length - 1];
    if (!last) return;
    setHistory((h) => h.slice(0, -1));
    sliding.current = null;
    setPercents(last);
  };
  const submit = async () => {
    setSending(true);
    setError(null);
    const result = await onSubmit(percentsToProbs(percents));
    setSending(false);
    if (!result.ok) setError(result.error);
  };

  return (
    <section className="guess-editor" aria-labelledby="guess-title">
      <h2 id="guess-title">{title ?? t("guess.title")}</h2>
      <p className="hint">{instructions ?? t("guess.instructions")}</p>
      <StackedGuessBar labels={labels} percents={percents} />
      <ul className="stepper-list">
        {labels.map((label, i) => {
          const p = percents[i] ?? 0;
          const color = outcomeColor(i, labels.length);
          return (
            <li key={i} className="stepper">
              <span className="stepper-label" id={`${id}-label-${i}`}>
                <span className="swatch-dot" style={{ background: color.background }} aria-hidden="true" />
                <span className={i === labels.length - 1 ? "else-label" : undefined}>{label}</span>
              </span>
              <button
                type="button"
                className="button step minus"
                disabled={p <= 0 || sending}
                aria-label={t("guess.less", { token: label })}
                onClick={() => press(i, -STEP)}
              >
                −
              </button>
              <input
                type="range"
                className="guess-slider"
                min={0}
                max={TOTAL}
                step={1}
                value={p}
                disabled={sending}
                aria-labelledby={`${id}-label-${i}`}
                aria-valuetext={formatWholePercent(p)}
                style={{ accentColor: color.background }}
                onChange={(e) => press(i, Number(e.target.value) - p, true)}
                onPointerUp={() => (sliding.current = null)}
              />
              <button
                type="button"
                className="button step plus"
                disabled={p >= TOTAL || sending}
                aria-label={t("guess.more", { token: label })}
                onClick={() => press(i, STEP)}
              >
                +
              </button>
              <output className="stepper-value" aria-live="polite" data-testid={`guess-value-${i}`}>
                {formatWholePercent(p)}
              </output>
            </li>
          );
        })}
      </ul>
      <p className="stepper-total">
        {t("guess.total", { value: formatWholePercent(percents.reduce((s, x) => s + x, 0)) })}
      </p>
      <div className="guess-dock">
        <div className="button-row">
          <button
            type="button"
            className="button big"
            disabled={history.length === 0 || sending}
            onClick={undo}
          >
            {t("guess.undo")}
          </button>
          <button
            type="button"
            className={`button big submit${submitted ? " done" : " primary"}`}
            disabled={submitted || sending}
            onClick={() => void submit()}
          >
            {sending
              ? t("guess.sending")
              : submitted
                ? t("guess.submitted")
                : saved
                  ? t("guess.resubmit")
                  : t("guess.submit")}
          </button>
        </div>
        <p className="hint" role="status" data-testid="guess-status">
          {submitted ? (submittedHint ?? t("guess.submittedHint")) : saved ? t("guess.changedHint") : ""}
        </p>
        {error?.code === "WRONG_PHASE" ? (
          <p role="alert" className="error-box">
            {t("guess.lockedError")}
          </p>
        ) : (
          <ErrorMessage error={error} />
        )}
      </div>
    </section>
  );
}
