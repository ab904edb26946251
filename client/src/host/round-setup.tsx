/** Round setup: model, prompt (with a live token preview), decoding settings, mode, and the exact next-token preview. */
import { type FormEvent, useEffect, useId, useRef } from "react";
import { useTranslation } from "react-i18next";
import { decodingOf, type ModelSummary } from "@tokenroom/shared";
import { BeModelSetup } from "./be-model-setup.tsx";
import { DecodingFields } from "./decoding-fields.tsx";
import { ModeFields } from "./mode-fields.tsx";
import { ModelField, type SetupTraining } from "./model-field.tsx";
import { RoundTimerSetup } from "./round-timer-setup.tsx";
import type { SetupValues, SetValue } from "./setup-values.ts";
import { TheoryPreview } from "./theory-preview.tsx";
import { useLoadedModel } from "./use-model.ts";
import { useSetupPreview } from "./use-setup-preview.ts";

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
  training?: SetupTraining;
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
  const id = useId();
  const summary = models.find((m) => m.id === values.modelId);
  const { model, error: modelError } = useLoadedModel(summary, training?.auth);
  const { deferred, analysis, theory } = useSetupPreview(model, values);
  const temperatureInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!focusTemperature) return;
    window.scrollTo({ top: 0 });
    temperatureInput.current?.focus();
  }, [focusTemperature]);

  const set: SetValue = (key, value) => onChange({ ...values, [key]: value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (values.mode === "be-model" || !analysis?.problem) onStart(values);
  };
  const f = (name: string) => `${id}-${name}`;

  return (
    <form className="panel setup" onSubmit={submit} aria-labelledby={f("title")}>
      <h2 id={f("title")}>{t("setup.title")}</h2>

      <ModelField
        models={models}
        summary={summary}
        failed={Boolean(modelError)}
        values={values}
        onChange={onChange}
        disabled={disabled}
        training={training}
        f={f}
      />

      {values.mode === "be-model" ? null : (
        <DecodingFields
          values={values}
          set={set}
          analysis={analysis}
          temperatureRef={temperatureInput}
          f={f}
        />
      )}

      <ModeFields values={values} set={set} f={f} />
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
          <TheoryPreview
            theory={theory}
            analysis={analysis}
            mode={values.mode}
            settings={decodingOf(deferred)}
          />
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
