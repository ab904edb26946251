/**
 * The model and the sampler (SPEC.md [MS1] [CUT1] [SEQT1]): what the model says (T = 1, no cut) beside what the
 * round's decoding settings make of it, the ties that a top-k / top-p / greedy cut breaks by token id, and the
 * difference between per-step temperature and a temperature on whole sequences.
 */
import { decodeDistribution, nextTokenDistribution } from "./decoding.ts";
import type { DecodingSettings, LanguageModel, TokenDistribution, TokenId } from "./types.ts";

/** The model's own settings: temperature 1, no top-k, no top-p. */
export const MODEL_SETTINGS: DecodingSettings = Object.freeze({ temperature: 1, topK: 0, topP: 1 });

/** [MS1] The model's own next-token distribution (T = 1, no cut), sorted like every decoded distribution. */
export function modelDistribution(model: LanguageModel, context: readonly TokenId[]): TokenDistribution {
  return nextTokenDistribution(model, context, MODEL_SETTINGS);
}

/**
 * [MS1] Do two decoded distributions differ: another support, or some probability more than 1e-12 apart?
 * (The sampler equals the model when T = 1 and no cut removes a token.)
 */
export function distributionsDiffer(a: TokenDistribution, b: TokenDistribution): boolean {
  if (a.ids.length !== b.ids.length) return true;
  const q = new Map<number, number>();
  for (let i = 0; i < b.ids.length; i++) q.set(b.ids[i]!, b.probs[i]!);
  for (let i = 0; i < a.ids.length; i++) {
    const p = q.get(a.ids[i]!);
    if (p === undefined || Math.abs(p - a.probs[i]!) > 1e-12) return true;
  }
  return false;
}

/** [CUT1] A tie at the cut: tokens of equal probability on both sides of it. */
export interface CutTie {
  /** The tied tokens the cut keeps (they are the last ones kept), in the sampler's order. */
  kept: TokenId[];
  /** The tied tokens the cut drops, in id order (the order that decided it). */
  dropped: TokenId[];
  /** Their common probability under the model itself (T = 1, no cut). */
  modelP: number;
}

/**
 * [CUT1] Where the settings cut the distribution (top-k, top-p, or greedy's argmax) between two tokens of
 * equal probability, which of them survive is decided by the lowest id ([D2], [T0]): arbitrary. Returns the
 * tied tokens on both sides, or null when the cut falls between different probabilities (or nothing is cut).
 * Equal log-probs give equal probabilities at every temperature, so the tie is read from the uncut
 * distribution at the round's temperature (at T = 1 for greedy, whose one-hot hides the tie).
 */
export function cutTie(logProbs: Float64Array, settings: DecodingSettings): CutTie | null {
  const sampler = decodeDistribution(logProbs, settings);
  const uncut = decodeDistribution(logProbs, {
    temperature: settings.temperature === 0 ? 1 : settings.temperature,
    topK: 0,
    topP: 1,
  });
  const m = sampler.ids.length;
  if (m >= uncut.ids.length) return null;
  const edge = uncut.probs[m - 1]!;
  if (uncut.probs[m] !== edge) return null;
  const kept: TokenId[] = [];
  for (let i = m - 1; i >= 0 && uncut.probs[i] === edge; i--) kept.unshift(uncut.ids[i]!);
  const dropped: TokenId[] = [];
  for (let i = m; i < uncut.ids.length && uncut.probs[i] === edge; i++) dropped.push(uncut.ids[i]!);
  return { kept, dropped, modelP: Math.exp(logProbs[kept[0]!]!) };
}

/**
 * [SEQT1] ln of a whole sequence's probability under temperature applied to the sequence distribution:
 * p(s)^(1/T) / Σ_{s'} p(s')^(1/T), over every sequence of the same length (T > 0; a model without EOS, or
 * sequences that never end early). Exponential in the length: for small examples and tests only. Per-step
 * temperature ([D1] at each step, [CR1]) is a different distribution.
 */
export function sequenceTemperatureLogProb(
  model: LanguageModel,
  prompt: readonly TokenId[],
  completion: readonly TokenId[],
  temperature: number,
): number {
  if (!(temperature > 0 && Number.isFinite(temperature)))
    throw new RangeError(`temperature must be finite and > 0 (got ${String(temperature)})`);
  const length = completion.length;
  const logs: number[] = []; // ln p(s) / T of every sequence of this length
  let target = -Infinity;
  const walk = (context: TokenId[], logP: number, depth: number): void => {
    if (depth === length) {
      logs.push(logP / temperature);
      if (context.slice(prompt.length).every((t, i) => t === completion[i])) target = logP / temperature;
      return;
    }
    const lp = model.nextTokenLogProbs(context);
    for (let id = 0; id < lp.length; id++) {
      if (lp[id]! === -Infinity) continue;
      context.push(id);
      walk(context, logP + lp[id]!, depth + 1);
      context.pop();
    }
  };
  walk([...prompt], 0, 0);
  const max = Math.max(...logs);
  let sum = 0;
  for (const x of logs) sum += Math.exp(x - max);
  return target - max - Math.log(sum);
}
