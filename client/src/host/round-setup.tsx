/** Round setup: model, prompt (with a live token preview), decoding settings, mode, and the exact next-token preview. */
import { type FormEvent, useDeferredValue, useEffect, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useModelText } from "../i18n/model-text.ts";
import { decodingOf, LIMITS, type ModelSummary } from "@tokenroom/shared";
import { ModelSamplerBars } from "../components/model-sampler-bars.tsx";
import { formatBits, formatInt, formatNumber } from "../lib/format.ts";
import type { HostAuth } from "../api/train.ts";
import { BeModelSetup } from "./be-model-setup.tsx";
import { ModelCard } from "./model-card.tsx";
import { analysePrompt, previewTheory } from "./prompt-analysis.ts";
import {
  clampCandidates,
  clampTimer,
  GUESS_CANDIDATES,
  ROUND_TIMER,
  type SetupValues,
  starterPrompt,
} from "./setup-values.ts";
import { setTimerSound, timerSoundOn } from "./timer-sound.ts";
import { TokenPreview } from "./token-preview.tsx";
import { TrainPanel } from "./train-panel.tsx";
import { useLoadedModel } from "./use-model.ts";

export interface RoundSetupProps {
  models: ModelSummary[];
  values: SetupValues;
  onChange: (values: SetupValues) => void;
  onStart: (values: SetupValues) => void;
  busy: boolean;
  disabled: boolean;
  onCancel?: () => void;
  /** Focus the temperature slider when the form opens ("same prompt, new temperature"). */
  focusTemperature?: boolean;
  /** "Train a model on your own text": the host's credentials, and how to list the new model. */
  training?: { auth: HostAuth; reloadModels: (include: ModelSummary) => Promise<void> };
}

export function RoundSetup({
  models,
  values,
  onChange,
  onStart,
  busy,
  disabled,
  onCancel,
  focusTemperature,
  training,
}: RoundSetupProps) {
  const { t } = useTranslation();
  const modelText = useModelText();
  const id = useId();
  const summary = models.find((m) => m.id === values.modelId);
  const { model, error: modelError } = useLoadedModel(summary, training?.auth);
  const deferred = useDeferredValue(values);
  const temperatureInput = useRef<HTMLInputElement>(null);
  // training takes seconds: select its model in the values of that moment, not of the click
  const latest = useRef(values);
  latest.current = values;
  useEffect(() => {
    if (!focusTemperature) return;
    window.scrollTo({ top: 0 });
    temperatureInput.current?.focus();
  }, [focusTemperature]);
  const analysis = useMemo(
    () => (model ? analysePrompt(model, deferred.prompt) : null),
    [model, deferred.prompt],
  );
  const theory = useMemo(() => {
    if (!model || !analysis?.ids || analysis.problem) return null;
    return previewTheory(model, analysis.ids, {
      temperature: deferred.temperature,
      topK: deferred.topK,
      topP: deferred.topP,
    });
  }, [model, analysis, deferred.temperature, deferred.topK, deferred.topP]);

  const set = <K extends keyof SetupValues>(key: K, value: SetupValues[K]) =>
    onChange({ ...values, [key]: value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (values.mode === "be-model" || !analysis?.problem) onStart(values);
  };
  const f = (name: string) => `${id}-${name}`;

  return (
    <form className="panel setup" onSubmit={submit} aria-labelledby={f("title")}>
      <h2 id={f("title")}>{t("setup.title")}</h2>

      <label className="field-label" htmlFor={f("model")}>
        {t("setup.model")}
      </label>
      <select
        id={f("model")}
        className="select"
        value={values.modelId}
        onChange={(e) => {
          // the old model's starter prompt may not be in the new model's vocabulary: swap it too
          const keep = values.prompt !== "" && values.prompt !== starterPrompt(values.modelId);
          onChange({
            ...values,
            modelId: e.target.value,
            prompt: keep ? values.prompt : starterPrompt(e.target.value),
          });
        }}
        aria-describedby={f("model-desc")}
      >
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {modelText(m).name}
          </option>
        ))}
      </select>
      <p id={f("model-desc")} className="hint">
        {summary
          ? t("setup.modelInfo", {
              description: modelText(summary).description,
              vocab: formatInt(summary.vocabSize),
            })
          : ""}
      </p>
      {modelError ? (
        <p role="alert" className="error-box">
          {t("setup.modelFailed")}
        </p>
      ) : null}
      {summary ? <ModelCard model={summary} /> : null}
      {training ? (
        <TrainPanel
          auth={training.auth}
          disabled={disabled}
          onTrained={async (model, prompt) => {
            await training.reloadModels(model);
            onChange({ ...latest.current, modelId: model.id, prompt });
          }}
        />
      ) : null}

      {values.mode === "be-model" ? null : (
        <>
          <label className="field-label" htmlFor={f("prompt")}>
            {t("setup.prompt")}
          </label>
          <textarea
            id={f("prompt")}
            className="text-input prompt-input"
            value={values.prompt}
            maxLength={LIMITS.promptMaxChars}
            rows={2}
            onChange={(e) => set("prompt", e.target.value)}
            aria-describedby={f("tokens")}
          />
          <div id={f("tokens")}>
            <TokenPreview analysis={analysis} />
          </div>

          <div className="setup-grid">
            <div className="field">
              <label className="field-label" htmlFor={f("temp")}>
                {t("setup.temperature")}{" "}
                <output htmlFor={f("temp")} className="value">
                  {values.temperature === 0 ? t("setup.greedy") : formatNumber(values.temperature)}
                </output>
              </label>
              <input
                ref={temperatureInput}
                id={f("temp")}
                type="range"
                min={0}
                max={3}
                step={0.05}
                value={values.temperature}
                onChange={(e) => set("temperature", Number(e.target.value))}
                aria-valuetext={
                  values.temperature === 0 ? t("setup.greedy") : formatNumber(values.temperature)
                }
              />
              <p className="hint">{t("setup.temperatureHint")}</p>
            </div>
            <div className="field">
              <label className="field-label" htmlFor={f("len")}>
                {t("setup.length")}{" "}
                <output htmlFor={f("len")} className="value">
                  {values.maxTokens}
                </output>
              </label>
              <input
                id={f("len")}
                type="range"
                min={1}
                max={LIMITS.completionMaxTokens}
                step={1}
                value={values.maxTokens}
                onChange={(e) => set("maxTokens", Number(e.target.value))}
              />
            </div>
            <div className="field">
              <label className="field-label" htmlFor={f("topk")}>
                {t("setup.topK")}
              </label>
              <input
                id={f("topk")}
                className="text-input num-input"
                type="number"
                min={0}
                step={1}
                value={values.topK}
                onChange={(e) => set("topK", Math.max(0, Math.floor(Number(e.target.value) || 0)))}
                aria-describedby={f("topk-hint")}
              />
              <p id={f("topk-hint")} className="hint">
                {t("setup.topKHint")}
              </p>
            </div>
            <div className="field">
              <label className="field-label" htmlFor={f("topp")}>
                {t("setup.topP")}{" "}
                <output htmlFor={f("topp")} className="value">
                  {formatNumber(values.topP)}
                </output>
              </label>
              <input
                id={f("topp")}
                type="range"
                min={0.05}
                max={1}
                step={0.05}
                value={values.topP}
                onChange={(e) => set("topP", Number(e.target.value))}
                aria-describedby={f("topp-hint")}
              />
              <p id={f("topp-hint")} className="hint">
                {t("setup.topPHint")}
              </p>
            </div>
          </div>
        </>
      )}

      <fieldset className="field mode">
        <legend className="field-label">{t("setup.mode")}</legend>
        {(["sample", "guess", "be-model"] as const).map((mode) => (
          <label key={mode} className="radio">
            <input
              type="radio"
              name={f("mode")}
              value={mode}
              checked={values.mode === mode}
              onChange={() => set("mode", mode)}
            />
            {mode === "sample"
              ? t("setup.modeSample")
              : mode === "guess"
                ? t("setup.modeGuess")
                : t("beModel.mode")}
          </label>
        ))}
      </fieldset>
      {values.mode === "guess" ? (
        <div className="field">
          <label className="field-label" htmlFor={f("cands")}>
            {t("guess.setupCandidates")}
          </label>
          <input
            id={f("cands")}
            className="text-input num-input"
            type="number"
            min={GUESS_CANDIDATES.min}
            max={GUESS_CANDIDATES.max}
            step={1}
            value={values.guessCandidates}
            onChange={(e) => set("guessCandidates", Math.floor(Number(e.target.value) || 0))}
            onBlur={() => set("guessCandidates", clampCandidates(values.guessCandidates))}
            aria-describedby={f("cands-hint")}
          />
          <p id={f("cands-hint")} className="hint">
            {t("guess.setupCandidatesHint")}
          </p>
        </div>
      ) : null}
      {values.mode === "be-model" ? (
        <BeModelSetup values={values} onChange={onChange} id={id} />
      ) : (
        <>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={values.showClassChart}
              onChange={(e) => set("showClassChart", e.target.checked)}
            />
            {t("setup.showClassChart")}
          </label>
          {values.mode === "sample" ? (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={values.hideUntilReveal ?? true}
                onChange={(e) => set("hideUntilReveal", e.target.checked)}
              />
              {t("setup.hideUntilReveal")}
            </label>
          ) : null}
          <RoundTimerSetup values={values} set={set} id={f("timer")} />

          <section className="theory-preview" aria-live="polite">
            {theory ? (
              // a guess round's answer stays folded away: the setup is often on the projector
              <details open={values.mode !== "guess"} key={values.mode}>
                <summary className={values.mode === "guess" ? undefined : "visually-hidden"}>
                  {t("guess.setupPreviewHidden")}
                </summary>
                <p className="hint">
                  {t("setup.previewCaption", {
                    support: formatInt(theory.sampler.support),
                    entropy: formatBits(theory.sampler.entropyBits),
                  })}
                </p>
                <ModelSamplerBars view={theory} settings={decodingOf(deferred)} testId="setup-pair" />
              </details>
            ) : (
              <p className="hint">
                {analysis?.problem
                  ? t(`setup.problem.${analysis.problem}`, { max: LIMITS.promptMaxTokens })
                  : t("app.loading")}
              </p>
            )}
          </section>
        </>
      )}

      <div className="button-row">
        <button
          type="submit"
          className="button primary big"
          disabled={busy || disabled || (values.mode !== "be-model" && !theory)}
        >
          {t("setup.start")}
        </button>
        {onCancel ? (
          <button type="button" className="button big" onClick={onCancel}>
            {t("setup.cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** [TM1] The optional round timer, and this browser's optional "time's up" sound (both off by default). */
function RoundTimerSetup({
  values,
  set,
  id,
}: {
  values: SetupValues;
  set: <K extends keyof SetupValues>(key: K, value: SetupValues[K]) => void;
  id: string;
}) {
  const { t } = useTranslation();
  const [sound, setSound] = useState(timerSoundOn);
  const seconds = values.timerSeconds ?? null;
  return (
    <>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={seconds !== null}
          onChange={(e) => set("timerSeconds", e.target.checked ? ROUND_TIMER.default : null)}
        />
        {t("setup.timer")}
      </label>
      {seconds !== null ? (
        <div className="field">
          <label className="field-label" htmlFor={id}>
            {t("setup.timerSeconds")}
          </label>
          <input
            id={id}
            className="text-input num-input"
            type="number"
            min={ROUND_TIMER.min}
            max={ROUND_TIMER.max}
            step={1}
            value={seconds}
            onChange={(e) => set("timerSeconds", Math.floor(Number(e.target.value) || 0))}
            onBlur={() => set("timerSeconds", clampTimer(seconds))}
            aria-describedby={`${id}-hint`}
          />
          <p id={`${id}-hint`} className="hint">
            {t("setup.timerHint", { min: ROUND_TIMER.min, max: ROUND_TIMER.max })}
          </p>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={sound}
              onChange={(e) => {
                setSound(e.target.checked);
                setTimerSound(e.target.checked);
              }}
            />
            {t("setup.timerSound")}
          </label>
        </div>
      ) : null}
    </>
  );
}
