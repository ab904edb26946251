/** A live round on the phone: the prompt, the settings in words, the sample buttons, completions, the class chart. */
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage } from "../components/error-message.tsx";
import { ProbLegend } from "../components/prob-legend.tsx";
import { RoundTimer } from "../components/round-timer.tsx";
import { formatInt } from "../lib/format.ts";
import { CompletionList, type Inspect } from "./completion-list.tsx";
import { BeModelPanel } from "./be-model-panel.tsx";
import { GuessPanel } from "./guess-panel.tsx";
import { describeSettings } from "./settings-words.ts";
import type { StudentSession, StudentState } from "./student-session.ts";
import { TokenInspector } from "./token-inspector.tsx";

const ClassChart = lazy(() => import("../charts/class-chart.tsx"));

export function RoundView({ state, session }: { state: StudentState; session: StudentSession }) {
  const { t } = useTranslation();
  const [inspecting, setInspecting] = useState<Inspect | null>(null);
  const round = state.round!;
  const s = state.samples;
  const guessing = round.mode === "guess" && round.status === "open";
  const closed = round.status === "closed";
  const canSample = session.canSample();
  // a round closed before its reveal sends no class counts to phones: show this phone's own, not "0 samples"
  const showChart =
    round.status === "revealed" || (closed && state.stats !== null) || (round.showClassChart && !guessing);
  const sampled = s !== null && s.completions.length > 0;
  // [RV1] the model's probabilities wait for the reveal: the words are plain until then
  const hideProbs = round.mode === "sample" && round.hideUntilReveal && round.status === "open";

  if (round.mode === "be-model") return <BeModelPanel state={state} session={session} />;
  return (
    <div className="round">
      <section className="prompt-card" aria-labelledby="prompt-title">
        <h1 id="prompt-title" className="eyebrow">
          {t("student.roundTitle", { seq: round.seq })}
        </h1>
        <p className="prompt-text">{round.prompt}</p>
        <RoundTimer round={round} />
        {/* open until the first completion, then folded: the newest completion must fit above the dock */}
        <details className="settings-details" open={!sampled}>
          <summary>{t("student.settingsSummary")}</summary>
          <ul className="settings-words">
            {describeSettings(round, t).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </details>
      </section>

      {round.mode === "guess" ? <GuessPanel state={state} session={session} /> : null}
      {guessing && !round.candidates ? <p className="notice phase">{t("student.guessing")}</p> : null}
      {state.model === "loading" ? <p className="notice">{t("student.loadingModel")}</p> : null}
      {/* a model that did not load is not "the server is busy": say what the student can do */}
      {state.model === "error" ? (
        <p role="alert" className="error-box">
          {t("student.modelFailed")}
        </p>
      ) : (
        <ErrorMessage error={state.error} />
      )}

      {!guessing && !closed && (!s || s.completions.length === 0) ? (
        <p className="hint">{t("student.firstHint")}</p>
      ) : null}
      {sampled ? (
        <section className="completions" aria-labelledby="completions-title">
          <h2 id="completions-title">{t("student.completions")}</h2>
          {/* the newest completion first, right under the heading: the hint and the colour key follow */}
          <CompletionList
            completions={s.completions}
            prompt={round.prompt}
            onInspect={setInspecting}
            hideProbs={hideProbs}
          />
          <p className="hint">{hideProbs ? t("student.tapHintHidden") : t("student.tapHint")}</p>
          {hideProbs ? null : <ProbLegend />}
        </section>
      ) : null}

      {showChart ? (
        <section className="class-chart" aria-labelledby="class-chart-title" data-testid="class-chart">
          <h2 id="class-chart-title">
            {round.status === "open" ? t("student.classSoFar") : t("student.classVsTheory")}
          </h2>
          <Suspense fallback={<p className="hint">{t("app.loading")}</p>}>
            <ClassChart stats={state.stats} theory={state.theory} />
          </Suspense>
        </section>
      ) : null}

      {!guessing && !closed ? (
        <section className="sample-dock" aria-label={t("student.controls")}>
          <div className="counters">
            <span className="stat">
              <strong data-testid="samples-made">{formatInt(s?.made ?? 0)}</strong> {t("student.made")}
            </span>
            <span className="stat">
              <strong data-testid="samples-acked">{formatInt(s?.acked ?? 0)}</strong> {t("student.counted")}
            </span>
            {s && s.pending > 0 ? (
              <span className="hint pending">{t("student.pending", { count: s.pending })}</span>
            ) : null}
          </div>
          {s?.waitingToResend ? <p className="hint">{t("student.resending")}</p> : null}
          <button
            type="button"
            className="button primary huge"
            disabled={!canSample}
            onClick={() => session.sample(1)}
          >
            {t("student.sample")}
          </button>
          <div className="button-row">
            <button
              type="button"
              className="button big"
              disabled={!canSample}
              onClick={() => session.sample(10)}
            >
              {t("student.sample10")}
            </button>
            <button
              type="button"
              className={`button big toggle${state.auto ? " on" : ""}`}
              aria-pressed={state.auto}
              disabled={!canSample && !state.auto}
              onClick={() => session.setAuto(!state.auto)}
            >
              {t("student.auto")}{" "}
              <span className="toggle-state">{state.auto ? t("student.autoOn") : t("student.autoOff")}</span>
            </button>
          </div>
        </section>
      ) : null}

      {closed ? (
        // in the dock's place, so it shows wherever the student had scrolled to
        <section className="sample-dock closed-dock" role="status">
          <p className="notice phase">{t("student.closed")}</p>
          {!state.stats && round.mode !== "guess" ? (
            <p className="closed-summary" data-testid="closed-summary">
              {t("student.closedSummary", { count: s?.made ?? 0, acked: formatInt(s?.acked ?? 0) })}
            </p>
          ) : null}
        </section>
      ) : null}

      {inspecting ? (
        <TokenInspector session={session} target={inspecting} onClose={() => setInspecting(null)} />
      ) : null}
    </div>
  );
}
