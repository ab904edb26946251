/** The round setup's "be the model" fields: where the text comes from, how many words, how many candidates. */
import { useTranslation } from "react-i18next";
import { LIMITS } from "@tokenroom/shared";
import {
  BE_MODEL_WORDS,
  clampCandidates,
  clampWords,
  GUESS_CANDIDATES,
  type SetupValues,
} from "./setup-values.ts";
import { NumberField } from "./number-field.tsx";

export function BeModelSetup({
  values,
  onChange,
  id,
}: {
  values: SetupValues;
  onChange: (values: SetupValues) => void;
  id: string;
}) {
  const { t } = useTranslation();
  const f = (name: string) => `${id}-bm-${name}`;
  const source = values.passage ?? "corpus";
  const set = (patch: Partial<SetupValues>) => onChange({ ...values, ...patch });
  return (
    <div className="be-model-setup">
      <fieldset className="field mode">
        <legend className="field-label">{t("beModel.source")}</legend>
        {(["corpus", "text"] as const).map((s) => (
          <label key={s} className="radio">
            <input
              type="radio"
              name={f("source")}
              value={s}
              checked={source === s}
              onChange={() => set({ passage: s })}
            />
            {s === "corpus" ? t("beModel.sourceCorpus") : t("beModel.sourceText")}
          </label>
        ))}
      </fieldset>
      {source === "text" ? (
        <>
          <label className="field-label" htmlFor={f("text")}>
            {t("beModel.passage")}
          </label>
          <textarea
            id={f("text")}
            className="text-input prompt-input"
            value={values.passageText ?? ""}
            maxLength={LIMITS.passageMaxChars}
            rows={3}
            onChange={(e) => set({ passageText: e.target.value })}
            aria-describedby={f("text-hint")}
          />
          <p id={f("text-hint")} className="hint">
            {t("beModel.passageHint")}
          </p>
        </>
      ) : null}
      <div className="setup-grid">
        <NumberField
          id={f("words")}
          label={t("beModel.words")}
          hint={t("beModel.wordsHint")}
          value={values.words ?? BE_MODEL_WORDS.default}
          min={BE_MODEL_WORDS.min}
          max={BE_MODEL_WORDS.max}
          onValue={(words) => set({ words })}
          onBlur={() => set({ words: clampWords(values.words) })}
        />
        <NumberField
          id={f("cands")}
          label={t("beModel.candidates")}
          hint={t("beModel.candidatesHint")}
          value={values.guessCandidates}
          min={GUESS_CANDIDATES.min}
          max={GUESS_CANDIDATES.max}
          onValue={(guessCandidates) => set({ guessCandidates })}
          onBlur={() => set({ guessCandidates: clampCandidates(values.guessCandidates) })}
        />
      </div>
    </div>
  );
}
