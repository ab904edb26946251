/** The round setup's prompt (with its tokens) and decoding settings: temperature, length, top-k, top-p. */
import type { Ref } from "react";
import { useTranslation } from "react-i18next";
import { LIMITS } from "@tokenroom/shared";
import { formatNumber } from "../lib/format.ts";
import { NumberField } from "./number-field.tsx";
import type { PromptPreview } from "./prompt-analysis.ts";
import type { SetupValues, SetValue } from "./setup-values.ts";
import { TokenPreview } from "./token-preview.tsx";

export function DecodingFields({
  values,
  set,
  analysis,
  temperatureRef,
  f,
}: {
  values: SetupValues;
  set: SetValue;
  analysis: PromptPreview | null;
  temperatureRef: Ref<HTMLInputElement>;
  f: (name: string) => string;
}) {
  const { t } = useTranslation();
  const temperature = values.temperature === 0 ? t("setup.greedy") : formatNumber(values.temperature);
  return (
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
              {temperature}
            </output>
          </label>
          <input
            ref={temperatureRef}
            id={f("temp")}
            type="range"
            min={0}
            max={3}
            step={0.05}
            value={values.temperature}
            onChange={(e) => set("temperature", Number(e.target.value))}
            aria-valuetext={temperature}
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
        <NumberField
          id={f("topk")}
          label={t("setup.topK")}
          hint={t("setup.topKHint")}
          value={values.topK}
          min={0}
          onValue={(topK) => set("topK", Math.max(0, topK))}
        />
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
  );
}
