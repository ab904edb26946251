/** The round setup form's values, their defaults, and "same prompt at a new temperature". */
import type { ModelSummary, RoundInfo, RoundMode, RoundSettingsInput } from "@tokenroom/shared";

export interface SetupValues {
  modelId: string;
  prompt: string;
  temperature: number;
  topK: number;
  topP: number;
  maxTokens: number;
  mode: RoundMode;
  showClassChart: boolean;
}

/** Prompts every shipped model knows (model data, not interface text). */
const STARTER_PROMPTS: Record<string, string> = { toy: "the", "tiny-stories": "once upon a time there was a" };

export function defaultSetup(models: readonly ModelSummary[]): SetupValues {
  const model = models.find((m) => m.id === "tiny-stories") ?? models[0];
  const modelId = model?.id ?? "toy";
  return {
    modelId,
    prompt: STARTER_PROMPTS[modelId] ?? "",
    temperature: 1,
    topK: 0,
    topP: 1,
    maxTokens: 8,
    mode: "sample",
    showClassChart: false,
  };
}

export function starterPrompt(modelId: string): string {
  return STARTER_PROMPTS[modelId] ?? "";
}

const LADDER = [0, 0.5, 1, 1.5, 2];

/** The next temperature on a 0 → 2 ladder after `t` (wrapping to 0). */
export function nextTemperature(t: number): number {
  return LADDER.find((x) => x > t + 1e-9) ?? 0;
}

/** The current round's settings with a new temperature: the lecture's "same prompt, hotter / colder". */
export function sameWithNewTemperature(round: RoundInfo): SetupValues {
  return {
    modelId: round.modelId,
    prompt: round.prompt,
    temperature: nextTemperature(round.temperature),
    topK: round.topK,
    topP: round.topP,
    maxTokens: round.maxTokens,
    mode: round.mode,
    showClassChart: round.showClassChart,
  };
}

export const toSettings = (v: SetupValues): RoundSettingsInput => ({ ...v });
