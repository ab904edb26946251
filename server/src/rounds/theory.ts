/**
 * A round's theory as the host sees it (SPEC [MS1], [CUT1]): the sampler's exact first-token distribution,
 * the model's own distribution beside it when the settings change anything, and any tie split by the cut.
 * Computed when the round starts and stored with it; `withModelView` fills in rounds stored without it.
 */
import {
  type DecodingSettings,
  type DistributionView,
  type LanguageModel,
  type TheoryView,
  type TokenDistribution,
  cutTie,
  distributionsDiffer,
  entropyBits,
  modelDistribution,
  nextTokenDistribution,
  tokenLabel,
} from "@tokenroom/shared";

const TOP = 30;

/** The first `TOP` tokens of a decoded distribution, the rest's mass, the support and the entropy. */
export function distributionView(dist: TokenDistribution, label: (id: number) => string): DistributionView {
  const top: DistributionView["top"] = [];
  let shown = 0;
  for (let i = 0; i < dist.ids.length && i < TOP; i++) {
    top.push({ id: dist.ids[i]!, token: label(dist.ids[i]!), p: dist.probs[i]! });
    shown += dist.probs[i]!;
  }
  return {
    top,
    otherP: Math.max(0, 1 - shown),
    support: dist.ids.length,
    entropyBits: entropyBits(dist.probs),
  };
}

/** The model's view and the cut's tie for a prompt under the settings (`sampler` = their decoded distribution). */
export function modelAndTie(
  model: LanguageModel,
  promptTokens: readonly number[],
  settings: DecodingSettings,
  sampler: TokenDistribution,
): Pick<TheoryView, "model" | "cutTie"> {
  const label = (id: number) => tokenLabel(model, id);
  const own = modelDistribution(model, promptTokens);
  const tie = cutTie(model.nextTokenLogProbs(promptTokens), settings);
  return {
    model: distributionsDiffer(sampler, own) ? distributionView(own, label) : null,
    cutTie: tie && { kept: tie.kept.map(label), dropped: tie.dropped.map(label), modelP: tie.modelP },
  };
}

/** The theory of a new round: the sampler's distribution (`dist`, from the round's decoder), the model's, the tie. */
export function roundTheory(
  roundId: string,
  model: LanguageModel,
  promptTokens: readonly number[],
  settings: DecodingSettings,
  dist: TokenDistribution,
): TheoryView {
  const extra = modelAndTie(model, promptTokens, settings, dist);
  const view = distributionView(dist, (id) => tokenLabel(model, id));
  const tied = new Set(extra.cutTie?.kept ?? []);
  const top = view.top.map((t) => (tied.has(t.token) ? { ...t, tied: true } : t));
  return { roundId, ...view, top, ...extra };
}

/**
 * A stored theory with the model's view: as stored when the round had it, else computed from the model
 * and the prompt (when this server still has the model; else `model` stays absent).
 */
export function withModelView(
  theory: TheoryView,
  model: LanguageModel | null,
  promptTokens: readonly number[],
  settings: DecodingSettings,
): TheoryView {
  if (theory.model !== undefined || !model) return theory;
  try {
    const sampler = nextTokenDistribution(model, promptTokens, settings);
    const extra = modelAndTie(model, promptTokens, settings, sampler);
    const tied = new Set(extra.cutTie?.kept ?? []);
    const top = theory.top.map((t) => (tied.has(t.token) ? { ...t, tied: true } : t));
    return { ...theory, top, ...extra };
  } catch {
    return theory; // a prompt that no longer fits the model: the stored snapshot as it is
  }
}
