/** The round setup's mode (sample, guess, "be the model"), and a guess round's number of candidates. */
import { useTranslation } from "react-i18next";
import { NumberField } from "./number-field.tsx";
import { clampCandidates, GUESS_CANDIDATES, type SetupValues, type SetValue } from "./setup-values.ts";

export function ModeFields({
  values,
  set,
  f,
}: {
  values: SetupValues;
  set: SetValue;
  f: (name: string) => string;
}) {
  const { t } = useTranslation();
  return (
    <>
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
        <NumberField
          id={f("cands")}
          label={t("guess.setupCandidates")}
          hint={t("guess.setupCandidatesHint")}
          value={values.guessCandidates}
          min={GUESS_CANDIDATES.min}
          max={GUESS_CANDIDATES.max}
          onValue={(n) => set("guessCandidates", n)}
          onBlur={() => set("guessCandidates", clampCandidates(values.guessCandidates))}
        />
      ) : null}
    </>
  );
}
