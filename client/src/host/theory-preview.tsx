/** The round setup's exact next-token preview (folded away in a guess round), or why there is none yet. */
import { useTranslation } from "react-i18next";
import { type DecodingSettings, LIMITS } from "@tokenroom/shared";
import { ModelSamplerBars } from "../components/model-sampler-bars.tsx";
import { formatBits, formatInt } from "../lib/format.ts";
import type { ModelSamplerView } from "../lib/model-sampler.ts";
import type { PromptPreview } from "./prompt-analysis.ts";
import type { SetupValues } from "./setup-values.ts";

export function TheoryPreview({
  theory,
  analysis,
  mode,
  settings,
}: {
  theory: ModelSamplerView | null;
  analysis: PromptPreview | null;
  mode: SetupValues["mode"];
  settings: DecodingSettings;
}) {
  const { t } = useTranslation();
  return (
    <section className="theory-preview" aria-live="polite">
      {theory ? (
        // a guess round's answer stays folded away: the setup is often on the projector
        <details open={mode !== "guess"} key={mode}>
          <summary className={mode === "guess" ? undefined : "visually-hidden"}>
            {t("guess.setupPreviewHidden")}
          </summary>
          <p className="hint">
            {t("setup.previewCaption", {
              support: formatInt(theory.sampler.support),
              entropy: formatBits(theory.sampler.entropyBits),
            })}
          </p>
          <ModelSamplerBars view={theory} settings={settings} testId="setup-pair" />
        </details>
      ) : (
        <p className="hint">
          {analysis?.problem
            ? t(`setup.problem.${analysis.problem}`, { max: LIMITS.promptMaxTokens })
            : t("app.loading")}
        </p>
      )}
    </section>
  );
}
