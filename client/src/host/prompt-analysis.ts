/** The host's preview of a round: the prompt's tokens (unknown words marked) and the exact next-token distribution. */
import {
  cutTie,
  Decoder,
  type DecodingSettings,
  distributionsDiffer,
  entropyBits,
  type LanguageModel,
  LIMITS,
  modelDistribution,
  type TokenDistribution,
  tokenLabel,
  vocabIndex,
} from "@tokenroom/shared";
import type { ModelSamplerView, SideView } from "../lib/model-sampler.ts";

export interface PromptToken {
  text: string;
  known: boolean;
}

export interface PromptPreview {
  tokens: PromptToken[];
  ids: number[] | null;
  /** Why the server would refuse the prompt, as an i18n key (null when it is fine). */
  problem: "unknownWords" | "tooLong" | null;
  unknown: number;
}

export function analysePrompt(model: LanguageModel, prompt: string): PromptPreview {
  const index = vocabIndex(model);
  const words = model.tokenizer.tokenize(prompt);
  const tokens = words.map((text) => ({ text, known: index.has(text) }));
  const unknown = tokens.filter((t) => !t.known).length;
  if (unknown > 0 && model.unkId === undefined)
    return { tokens, ids: null, problem: "unknownWords", unknown };
  const ids = words.map((w) => index.get(w) ?? model.unkId!);
  const problem = ids.length > LIMITS.promptMaxTokens ? "tooLong" : null;
  return { tokens, ids, problem, unknown };
}

/**
 * The sampler's exact next-token distribution after the prompt under the settings, the model's own beside it
 * when they differ ([MS1]), and a tie split by the cut ([CUT1]).
 */
export function previewTheory(
  model: LanguageModel,
  ids: number[],
  settings: DecodingSettings,
  top = 10,
): ModelSamplerView {
  const dist = new Decoder(model, settings, { maxCachedTokens: 0 }).distribution(ids);
  const own = modelDistribution(model, ids);
  const tie = cutTie(model.nextTokenLogProbs(ids), settings);
  const label = (id: number) => tokenLabel(model, id);
  return {
    sampler: side(dist, label, top),
    model: distributionsDiffer(dist, own) ? side(own, label, top) : null,
    tie: tie && { kept: tie.kept.map(label), dropped: tie.dropped.map(label), modelP: tie.modelP },
  };
}

function side(dist: TokenDistribution, label: (id: number) => string, top: number): SideView {
  const entries = [];
  let shown = 0;
  for (let i = 0; i < dist.ids.length && i < top; i++) {
    entries.push({ id: dist.ids[i]!, label: label(dist.ids[i]!), p: dist.probs[i]! });
    shown += dist.probs[i]!;
  }
  return {
    entries,
    otherP: Math.max(0, 1 - shown),
    support: dist.ids.length,
    entropyBits: entropyBits(dist.probs),
  };
}
