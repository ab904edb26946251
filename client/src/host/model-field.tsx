/** The round setup's model: the choice, what it is, its card, and "train a model on your own text". */
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import type { ModelSummary } from "@tokenroom/shared";
import { useModelText } from "../i18n/model-text.ts";
import { formatInt } from "../lib/format.ts";
import type { HostAuth } from "../api/train.ts";
import { ModelCard } from "./model-card.tsx";
import { type SetupValues, starterPrompt } from "./setup-values.ts";
import { TrainPanel } from "./train-panel.tsx";

export interface SetupTraining {
  auth: HostAuth;
  reloadModels: (include: ModelSummary) => Promise<void>;
}

export function ModelField({
  models,
  summary,
  failed,
  values,
  onChange,
  disabled,
  training,
  f,
}: {
  models: ModelSummary[];
  /** The chosen model (undefined until the list has it). */
  summary: ModelSummary | undefined;
  /** Whether the chosen model failed to load. */
  failed: boolean;
  values: SetupValues;
  onChange: (values: SetupValues) => void;
  disabled: boolean;
  training?: SetupTraining;
  f: (name: string) => string;
}) {
  const { t } = useTranslation();
  const modelText = useModelText();
  // training takes seconds: select its model in the values of that moment, not of the click
  const latest = useRef(values);
  latest.current = values;
  return (
    <>
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
      {failed ? (
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
    </>
  );
}
