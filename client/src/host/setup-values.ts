/** The round setup form's values, their defaults, and "same prompt at a new temperature". */
import {
  LIMITS,
  decodingOf,
  DEFAULT_SETTINGS,
  type ModelSummary,
  type RoundFields,
  type RoundInfo,
  type RoundSettingsInput,
} from "@tokenroom/shared";

/** A round's settings as the form holds them (the protocol's round fields; `hideUntilReveal` and the timer optional). */
export interface SetupValues
  extends
    Pick<
      RoundFields,
      "modelId" | "prompt" | "temperature" | "topK" | "topP" | "maxTokens" | "mode" | "showClassChart"
    >,
    Partial<Pick<RoundFields, "hideUntilReveal" | "timerSeconds">> {
  /** Guess rounds: how many of the most likely next tokens the students guess over. */
  guessCandidates: number;
  /** "Be the model": a held-out passage of the model's corpus, or the pasted `passageText`; words to predict. */
  passage?: "corpus" | "text";
  passageText?: string;
  words?: number;
}

/** [TM1] The round timer's range (the protocol's) and the value the checkbox starts from. */
export const ROUND_TIMER = { min: LIMITS.timerSecondsMin, max: LIMITS.timerSecondsMax, default: 60 } as const;

/** A whole number of seconds in the timer's range (the field may hold anything while typing). */
export function clampTimer(n: number): number {
  if (!Number.isFinite(n)) return ROUND_TIMER.default;
  return Math.min(ROUND_TIMER.max, Math.max(ROUND_TIMER.min, Math.round(n)));
}

export const BE_MODEL_WORDS = { min: 1, max: 20, default: 5 } as const;

/** A whole number of words to predict in the allowed range. */
export function clampWords(n: number | undefined): number {
  if (n === undefined || !Number.isFinite(n)) return BE_MODEL_WORDS.default;
  return Math.min(BE_MODEL_WORDS.max, Math.max(BE_MODEL_WORDS.min, Math.round(n)));
}

export const GUESS_CANDIDATES = { min: 2, max: 12, default: 5 } as const;

/** Prompts every shipped model knows (model data, not interface text). */
const STARTER_PROMPTS: Record<string, string> = {
  toy: "the",
  "tiny-stories": "once upon a time there was a",
  "zh-stories": "今天天气很",
};

/** The first model of the setup form: the Chinese stories for a Chinese interface, else the English ones. */
export function defaultSetup(models: readonly ModelSummary[], language = "en"): SetupValues {
  const preferred = language === "zh" ? ["zh-stories", "tiny-stories"] : ["tiny-stories"];
  const model =
    preferred.map((id) => models.find((m) => m.id === id)).find((m) => m !== undefined) ?? models[0];
  const modelId = model?.id ?? "toy";
  return {
    modelId,
    prompt: STARTER_PROMPTS[modelId] ?? "",
    ...DEFAULT_SETTINGS,
    maxTokens: 8,
    mode: "sample",
    showClassChart: false,
    hideUntilReveal: true,
    guessCandidates: GUESS_CANDIDATES.default,
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
    ...decodingOf(round),
    temperature: nextTemperature(round.temperature),
    maxTokens: round.maxTokens,
    mode: round.mode,
    showClassChart: round.showClassChart,
    hideUntilReveal: round.hideUntilReveal,
    timerSeconds: round.timerSeconds,
    guessCandidates: round.candidates?.length ?? GUESS_CANDIDATES.default,
  };
}

/** A whole number of candidates in the allowed range (the field may hold anything while typing). */
export function clampCandidates(n: number): number {
  if (!Number.isFinite(n)) return GUESS_CANDIDATES.default;
  return Math.min(GUESS_CANDIDATES.max, Math.max(GUESS_CANDIDATES.min, Math.round(n)));
}

export const toSettings = (v: SetupValues): RoundSettingsInput => ({
  ...v,
  hideUntilReveal: v.hideUntilReveal ?? true,
  // "be the model" series have no timer (one round per word, opened by the host)
  timerSeconds: v.mode === "be-model" || v.timerSeconds == null ? null : clampTimer(v.timerSeconds),
  guessCandidates: clampCandidates(v.guessCandidates),
  words: clampWords(v.words),
});

/** Sets one field of the setup form's values (the rest stay). */
export type SetValue = <K extends keyof SetupValues>(key: K, value: SetupValues[K]) => void;
