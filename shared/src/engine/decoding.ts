/**
 * Decoding (SPEC.md [T1] [T0] [D1]–[D3] [TK1] [TP1]): a model's log-probabilities to the distribution we sample from.
 * Natural logs (nats) throughout; probabilities are plain numbers in [0, 1]. The steps one at a time (applyTemperature,
 * topK, topP, settingsError) are in decoding-steps.ts; the grouping that orders tokens without a comparator sort
 * is in decoding-groups.ts.
 */
import {
  groupTokens,
  nucleusSize,
  orderedIds,
  orderedProbs,
  orderGroups,
  scratchFor,
  sumInIdOrder,
} from "./decoding-groups.ts";
import { finiteMax, normaliseInPlace, settingsError } from "./decoding-steps.ts";
import type { DecodingSettings, LanguageModel, TokenDistribution, TokenId } from "./types.ts";

/** [D2] The entries with p > 0 as (id, p), sorted by p descending, ties by lowest id. No renormalisation. */
export function sortedDistribution(probs: ArrayLike<number>): TokenDistribution {
  const n = probs.length;
  const work = scratchFor(n);
  work.values.set(probs);
  const groups = groupTokens(work, work.values, n);
  work.groupProb.set(work.groupKey.subarray(0, groups));
  const ordered = orderGroups(work, groups);
  let positive = 0;
  for (let o = 0; o < ordered; o++) positive += work.groupCount[work.order[o]!]!;
  const sorted = orderedProbs(work, positive, 1);
  return { ids: orderedIds(work, ordered, positive), probs: sorted };
}

/**
 * [D1] Temperature, then top-k, then top-p; each step renormalised. Throws RangeError on invalid settings.
 * Bit for bit `topP(topK(sortedDistribution(applyTemperature(logProbs, T)), k), p)`, computed per group of equal
 * log-probs (decoding-groups.ts): exp once per group, the normaliser summed over the ids in id order, the top-k and
 * top-p sums over the ranks in order, and only the kept ids put in place.
 */
export function decodeDistribution(logProbs: Float64Array, settings: DecodingSettings): TokenDistribution {
  const error = settingsError(settings);
  if (error !== null) throw new RangeError(error);
  const { temperature, topK: k, topP: p } = settings;
  if (temperature === 0) {
    // [T0] one token with probability 1, which top-k (k >= 1) and top-p (mass 1 >= p) keep as it is
    const max = finiteMax(logProbs, "argmax");
    return { ids: Int32Array.of(logProbs.indexOf(max)), probs: Float64Array.of(1) };
  }
  const n = logProbs.length;
  const work = scratchFor(n);
  const groups = groupTokens(work, logProbs, n);
  const { groupKey, groupCount, groupWeight, groupProb, order } = work;
  let max = -Infinity; // of the log-probs, found per group
  let valid = true; // no NaN or +Infinity
  for (let g = 0; g < groups; g++) {
    const x = groupKey[g]!;
    if (!(x < Infinity)) valid = false;
    else if (x > max) max = x;
  }
  if (!valid || max === -Infinity) finiteMax(logProbs, "applyTemperature"); // throws applyTemperature's error

  // [T1] as applyTemperature: the weights (once per group), their sum in id order, then each weight / sum
  for (let g = 0; g < groups; g++) {
    const x = groupKey[g]!;
    groupWeight[g] = temperature === 1 ? Math.exp(x) : Math.exp((x - max) / temperature);
  }
  const total = sumInIdOrder(work, n);
  if (!(total > 0 && Number.isFinite(total))) {
    throw new RangeError(`applyTemperature: mass ${total} cannot be normalised`);
  }
  for (let g = 0; g < groups; g++) groupProb[g] = groupWeight[g]! / total;
  const ordered = orderGroups(work, groups); // [D2]
  let positive = 0;
  for (let o = 0; o < ordered; o++) positive += groupCount[order[o]!]!;

  // [TK1] the first k ranks, divided by their sum (summed in rank order); k = 0 or k >= size: unchanged
  const cutK = k > 0 && k < positive;
  let sumK = 1; // x / 1 is x
  if (cutK) {
    sumK = 0;
    for (let o = 0, j = 0; j < k; o++) {
      const g = order[o]!;
      const v = groupProb[g]!;
      for (const end = Math.min(k, j + groupCount[g]!); j < end; j++) sumK += v;
    }
  }

  // [TP1] the smallest prefix of the top-k list whose cumulative mass reaches p, renormalised
  const listLength = cutK ? k : positive;
  const kept = p < 1 ? nucleusSize(work, listLength, sumK, p) : listLength;
  const probs = orderedProbs(work, kept, sumK);
  if (kept < listLength) normaliseInPlace(probs, "topP");
  return { ids: orderedIds(work, ordered, kept), probs };
}

/** [D1] THE theory: P(next token | context) under the decoding settings. Sampling uses exactly this. */
export function nextTokenDistribution(
  model: LanguageModel,
  context: readonly TokenId[],
  settings: DecodingSettings,
): TokenDistribution {
  return decodeDistribution(model.nextTokenLogProbs(context), settings);
}

/** P(id) under a decoded distribution; 0 for ids it does not contain (pruned, impossible, or not in the vocab). */
export function probabilityOf(dist: TokenDistribution, id: TokenId): number {
  const { ids, probs } = dist;
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) return probs[i]!;
  return 0;
}
