/** What the round setup shows of its prompt as the host types: the tokens, and the exact next-token preview. */
import { useDeferredValue, useMemo } from "react";
import type { LanguageModel } from "@tokenroom/shared";
import type { ModelSamplerView } from "../lib/model-sampler.ts";
import { analysePrompt, previewTheory, type PromptPreview } from "./prompt-analysis.ts";
import type { SetupValues } from "./setup-values.ts";

export interface SetupPreview {
  /** The values the preview was computed from (they lag behind typing). */
  deferred: SetupValues;
  analysis: PromptPreview | null;
  /** Null while the model loads or while the prompt has a problem. */
  theory: ModelSamplerView | null;
}

export function useSetupPreview(model: LanguageModel | null, values: SetupValues): SetupPreview {
  const deferred = useDeferredValue(values);
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
  return { deferred, analysis, theory };
}
