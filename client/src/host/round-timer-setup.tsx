/** [TM1] The optional round timer, and this browser's optional "time's up" sound (both off by default). */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { NumberField } from "./number-field.tsx";
import { clampTimer, ROUND_TIMER, type SetupValues, type SetValue } from "./setup-values.ts";
import { setTimerSound, timerSoundOn } from "./timer-sound.ts";

export function RoundTimerSetup({ values, set, id }: { values: SetupValues; set: SetValue; id: string }) {
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
        <NumberField
          id={id}
          label={t("setup.timerSeconds")}
          hint={t("setup.timerHint", { min: ROUND_TIMER.min, max: ROUND_TIMER.max })}
          value={seconds}
          min={ROUND_TIMER.min}
          max={ROUND_TIMER.max}
          onValue={(n) => set("timerSeconds", n)}
          onBlur={() => set("timerSeconds", clampTimer(seconds))}
        >
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
        </NumberField>
      ) : null}
    </>
  );
}
