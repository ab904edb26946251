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
        <div className="field">
          <label className="field-label" htmlFor={f("words")}>
            {t("beModel.words")}
          </label>
          <input
            id={f("words")}
            className="text-input num-input"
            type="number"
            min={BE_MODEL_WORDS.min}
            max={BE_MODEL_WORDS.max}
            step={1}
            value={values.words ?? BE_MODEL_WORDS.default}
            onChange={(e) => set({ words: Math.floor(Number(e.target.value) || 0) })}
            onBlur={() => set({ words: clampWords(values.words) })}
            aria-describedby={f("words-hint")}
          />
          <p id={f("words-hint")} className="hint">
            {t("beModel.wordsHint")}
          </p>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={f("cands")}>
            {t("beModel.candidates")}
          </label>
          <input
            id={f("cands")}
            className="text-input num-input"
            type="number"
            min={GUESS_CANDIDATES.min}
            max={GUESS_CANDIDATES.max}
            step={1}
            value={values.guessCandidates}
            onChange={(e) => set({ guessCandidates: Math.floor(Number(e.target.value) || 0) })}
            onBlur={() => set({ guessCandidates: clampCandidates(values.guessCandidates) })}
            aria-describedby={f("cands-hint")}
          />
          <p id={f("cands-hint")} className="hint">
            {t("beModel.candidatesHint")}
          </p>
        </div>
      </div>
    </div>
  );
}
