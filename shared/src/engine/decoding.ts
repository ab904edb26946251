/**
 * Decoding (SPEC.md [T1] [T0] [D1]–[D3] [TK1] [TP1]): a model's log-probabilities to the distribution we sample from.
 * Natural logs (nats) throughout; probabilities are plain numbers in [0, 1].
 */
import type { DecodingSettings, LanguageModel, TokenDistribution, TokenId } from "./types.ts";

/** [TP1] Absolute slack on top-p's boundary, so a float-rounded exact boundary does not add a token. */
export const TOP_P_TOLERANCE = 1e-12;

/** max_i x_i, rejecting NaN and +Infinity, and requiring at least one finite entry. */
function finiteMax(xs: ArrayLike<number>, what: string): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (Number.isNaN(x) || x === Infinity) throw new RangeError(`${what}: entry ${i} is ${String(x)}`);
    if (x > m) m = x;
  }
  if (m === -Infinity) throw new RangeError(`${what}: no finite entry (no token is possible)`);
  return m;
}

/** x / Σx in place (the renormalisation step); returns x. */
function normaliseInPlace(x: Float64Array, what: string): Float64Array {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  if (!(s > 0 && Number.isFinite(s))) throw new RangeError(`${what}: mass ${s} cannot be normalised`);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! / s;
  return x;
}

/** ln Σ_i exp(x_i) = m + ln Σ_i exp(x_i − m), m = max x (nats; -Infinity if no entry is finite). */
export function logSumExp(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (Number.isNaN(x)) return NaN;
    if (x > m) m = x;
  }
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i]! - m);
  return m + Math.log(s);
}

/** softmax(z)_i = exp(z_i − max z) / Σ_j exp(z_j − max z); -Infinity entries give exactly 0. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  const m = finiteMax(logits, "softmax");
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = Math.exp(logits[i]! - m);
  return normaliseInPlace(out, "softmax");
}

/** [T0] The one-hot distribution on argmax_i x_i, ties to the lowest index. */
function oneHotArgmax(xs: ArrayLike<number>): Float64Array {
  const m = finiteMax(xs, "argmax");
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] === m) {
      out[i] = 1;
      break;
    }
  }
  return out;
}

/**
 * [T1] p_i ∝ exp(logp_i / T), computed as exp((logp_i − max logp) / T) / Σ so no T over- or underflows.
 * [T0] T = 0 is the one-hot argmax (ties to the lowest id). Impossible tokens (-Infinity) stay exactly 0.
 * T = 1 uses exp(logp_i) directly, renormalised to absorb the model's rounding.
 */
export function applyTemperature(logProbs: Float64Array, temperature: number): Float64Array {
  if (!(Number.isFinite(temperature) && temperature >= 0)) {
    throw new RangeError(`temperature must be a finite number >= 0 (got ${String(temperature)})`);
  }
  if (temperature === 0) return oneHotArgmax(logProbs);
  const m = finiteMax(logProbs, "applyTemperature");
  const out = new Float64Array(logProbs.length);
  if (temperature === 1) {
    for (let i = 0; i < logProbs.length; i++) out[i] = Math.exp(logProbs[i]!);
  } else {
    for (let i = 0; i < logProbs.length; i++) out[i] = Math.exp((logProbs[i]! - m) / temperature);
  }
  return normaliseInPlace(out, "applyTemperature");
}

// ---------------------------------------------------------------------------------------------------------------
// Ordering without a comparator sort over the vocabulary ([D2]; sortedDistribution and decodeDistribution).
//
// Tokens are grouped by value with a hash table over the value's bits: an n-gram model's log-probs take about a
// hundred distinct values over thousands of tokens, and equal log-probs give equal probabilities. Only the groups
// are sorted, by value (natively, as a Float64Array; probabilities are non-decreasing in log-probs, so groups of
// equal probability end up adjacent), and each group lists its tokens in increasing id order, which gives the
// order [D2] directly; groups whose distinct log-probs round to the same probability have their ids merged. Every
// sum the definition makes in a given order (the normaliser in id order; top-k and top-p in rank order) still adds
// one token at a time in that order, so the results are bit for bit those of applyTemperature, a comparator sort,
// topK and topP, and only the kept ids are ever written out.

/**
 * Working memory, grown to the largest vocabulary seen. Private to this module; a call reads only what it wrote
 * (the hash table is emptied of the previous call's entries first), so the exported functions stay pure, and their
 * results never alias it. JS runs one call at a time, and nothing here calls back into user code.
 */
interface Scratch {
  readonly size: number;
  /** A copy of sortedDistribution's input, grouped as a Float64Array. */
  readonly values: Float64Array;
  /** Per token: its group, and the next token of its group (a list in increasing id order). */
  readonly groupOf: Int32Array;
  readonly nextInGroup: Int32Array;
  /** Per group: value, first and last token, number of tokens, weight, probability. */
  readonly groupKey: Float64Array;
  readonly groupHead: Int32Array;
  readonly groupTail: Int32Array;
  readonly groupCount: Int32Array;
  readonly groupWeight: Float64Array;
  readonly groupProb: Float64Array;
  /** The groups with probability > 0 by descending value, and their values while sorting. */
  readonly order: Int32Array;
  readonly sortKeys: Float64Array;
  /** Ids of tied groups being merged. */
  readonly tied: Int32Array;
  /** Open-addressing hash table value -> group (NaN: free slot), and each group's slot, to free it. */
  readonly tableKey: Float64Array;
  readonly tableGroup: Int32Array;
  readonly groupSlot: Int32Array;
  readonly tableShift: number;
  /** Number of groups whose slots the last call left in the table. */
  used: number;
}

let scratch: Scratch | undefined;

function scratchFor(size: number): Scratch {
  if (scratch !== undefined && scratch.size >= size) return scratch;
  const bits = Math.max(4, Math.ceil(Math.log2(2 * size + 1))); // load factor <= 1/2
  scratch = {
    size,
    values: new Float64Array(size),
    groupOf: new Int32Array(size),
    nextInGroup: new Int32Array(size),
    groupKey: new Float64Array(size),
    groupHead: new Int32Array(size),
    groupTail: new Int32Array(size),
    groupCount: new Int32Array(size),
    groupWeight: new Float64Array(size),
    groupProb: new Float64Array(size),
    order: new Int32Array(size),
    sortKeys: new Float64Array(size),
    tied: new Int32Array(size),
    tableKey: new Float64Array(1 << bits).fill(NaN),
    tableGroup: new Int32Array(1 << bits),
    groupSlot: new Int32Array(size),
    tableShift: 32 - bits,
    used: 0,
  };
  return scratch;
}

/** The table slot of value x: where it is, or the free slot where it would go. */
function slotOf(work: Scratch, x: number, hash: number): number {
  const { tableKey } = work;
  const mask = tableKey.length - 1;
  let slot = hash >>> work.tableShift;
  for (;;) {
    const key = tableKey[slot]!;
    if (key === x || key !== key) return slot;
    slot = (slot + 1) & mask;
  }
}

/** Mixes a float64's two 32-bit words into a hash (its top bits index the table). */
const mix = (lo: number, hi: number) => Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
/** One float64 and its two words, to hash a single value. */
const keyFloat = new Float64Array(1);
const keyWords = new Uint32Array(keyFloat.buffer);

/**
 * Groups the first n values by value (===; each NaN alone): each group's value, number of tokens and tokens in
 * increasing id order (a list), and each token's group. Returns the number of groups. (No calls in the loop: V8
 * then keeps its state in registers.)
 */
function groupTokens(work: Scratch, values: Float64Array, n: number): number {
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  const { tableKey, tableGroup, groupSlot, groupOf, nextInGroup } = work;
  const { groupKey, groupHead, groupTail, groupCount } = work;
  for (let g = 0; g < work.used; g++) tableKey[groupSlot[g]!] = NaN;
  const mask = tableKey.length - 1;
  const shift = work.tableShift;
  let groups = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    let slot = mix(words[2 * i]!, words[2 * i + 1]!) >>> shift;
    let key = tableKey[slot]!;
    while (key !== x && key === key) {
      slot = (slot + 1) & mask; // linear probing; a NaN key is a free slot
      key = tableKey[slot]!;
    }
    let g: number;
    if (key === x) {
      g = tableGroup[slot]!;
      nextInGroup[groupTail[g]!] = i;
      groupTail[g] = i;
      groupCount[g] = groupCount[g]! + 1;
    } else {
      g = groups++;
      tableKey[slot] = x; // a NaN leaves the slot looking free: each NaN is a group of its own
      tableGroup[slot] = g;
      groupSlot[g] = slot;
      groupKey[g] = x;
      groupHead[g] = i;
      groupTail[g] = i;
      groupCount[g] = 1;
    }
    groupOf[i] = g;
  }
  work.used = groups;
  return groups;
}

/** Σ_i weight of token i's group, over the tokens in id order (as normaliseInPlace sums). */
function sumInIdOrder(work: Scratch, n: number): number {
  const { groupOf, groupWeight } = work;
  let total = 0;
  for (let i = 0; i < n; i++) total += groupWeight[groupOf[i]!]!;
  return total;
}

/**
 * Fills work.order with the groups whose probability (groupProb) is > 0, by descending value; returns how many.
 * Sorts their keys (values order the groups as their probabilities do) and finds each key's group in the table.
 */
function orderGroups(work: Scratch, groups: number): number {
  const { groupKey, groupProb, sortKeys, order, tableGroup } = work;
  let m = 0;
  for (let g = 0; g < groups; g++) if (groupProb[g]! > 0) sortKeys[m++] = groupKey[g]!;
  sortKeys.subarray(0, m).sort(); // a Float64Array sorts numerically, natively (ascending)
  for (let j = 0; j < m; j++) {
    const x = sortKeys[m - 1 - j]!;
    keyFloat[0] = x;
    order[j] = tableGroup[slotOf(work, x, mix(keyWords[0]!, keyWords[1]!))]!;
  }
  return m;
}

/** The ids of the first `kept` tokens in the order [D2]: each group's list, tied groups' ids merged. */
function orderedIds(work: Scratch, ordered: number, kept: number): Int32Array {
  const { order, groupProb, groupHead, groupCount, nextInGroup, tied } = work;
  const ids = new Int32Array(kept);
  for (let o = 0, j = 0; j < kept;) {
    const g = order[o]!;
    let end = o + 1;
    while (end < ordered && groupProb[order[end]!] === groupProb[g]) end++;
    if (end === o + 1) {
      for (let t = groupHead[g]!, c = groupCount[g]!; c > 0 && j < kept; c--, t = nextInGroup[t]!)
        ids[j++] = t;
    } else {
      // distinct log-probs that round to one probability: their tokens, by id
      let count = 0;
      for (let h = o; h < end; h++) {
        const gh = order[h]!;
        for (let t = groupHead[gh]!, c = groupCount[gh]!; c > 0; c--, t = nextInGroup[t]!) tied[count++] = t;
      }
      const byId = tied.subarray(0, count).sort();
      for (let c = 0; c < count && j < kept; c++) ids[j++] = byId[c]!;
    }
    o = end;
  }
  return ids;
}

/** The probabilities of the first `kept` tokens in order: each group's probability / divisor (x / 1 is x). */
function orderedProbs(work: Scratch, kept: number, divisor: number): Float64Array {
  const { order, groupProb, groupCount } = work;
  const probs = new Float64Array(kept);
  for (let o = 0, j = 0; j < kept; o++) {
    const g = order[o]!;
    const v = groupProb[g]! / divisor;
    for (const end = Math.min(kept, j + groupCount[g]!); j < end; j++) probs[j] = v;
  }
  return probs;
}

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

/** The first n entries of a sorted distribution, renormalised: q_i = p_i / Σ_{j<n} p_j. */
function keepPrefix(dist: TokenDistribution, n: number, what: string): TokenDistribution {
  if (n >= dist.ids.length) return dist;
  return { ids: dist.ids.slice(0, n), probs: normaliseInPlace(dist.probs.slice(0, n), what) };
}

/** [TK1] Keep the k most probable tokens (the first k), renormalised; k = 0 or k >= size: unchanged. */
export function topK(dist: TokenDistribution, k: number): TokenDistribution {
  if (!(Number.isInteger(k) && k >= 0))
    throw new RangeError(`topK must be an integer >= 0 (got ${String(k)})`);
  return k === 0 ? dist : keepPrefix(dist, k, "topK");
}

/**
 * [TP1] Keep the smallest prefix whose cumulative mass reaches p (Σ_{j<=n} p_j >= p − 1e-12), renormalised;
 * p = 1: unchanged. Cumulative sums run in the distribution's order.
 */
export function topP(dist: TokenDistribution, p: number): TokenDistribution {
  if (!(p > 0 && p <= 1)) throw new RangeError(`topP must be in (0, 1] (got ${String(p)})`);
  if (p === 1) return dist;
  let cumulative = 0;
  for (let i = 0; i < dist.probs.length; i++) {
    cumulative += dist.probs[i]!;
    if (cumulative >= p - TOP_P_TOLERANCE) return keepPrefix(dist, i + 1, "topP");
  }
  return dist;
}

/** [D3] A one-line description of what is wrong with `settings`, or null if they are valid. */
export function settingsError(settings: DecodingSettings): string | null {
  if (typeof settings !== "object" || settings === null) return "settings must be an object";
  const { temperature, topK: k, topP: p } = settings;
  if (!(Number.isFinite(temperature) && temperature >= 0)) {
    return `temperature must be a finite number >= 0 (got ${String(temperature)})`;
  }
  if (!(Number.isInteger(k) && k >= 0)) return `topK must be an integer >= 0 (got ${String(k)})`;
  if (!(typeof p === "number" && p > 0 && p <= 1))
    return `topP must be a number in (0, 1] (got ${String(p)})`;
  return null;
}

/**
 * [D1] Temperature, then top-k, then top-p; each step renormalised. Throws RangeError on invalid settings.
 * Bit for bit `topP(topK(sortedDistribution(applyTemperature(logProbs, T)), k), p)`, computed per group of equal
 * log-probs (see "Ordering without a comparator sort" above): exp once per group, the normaliser summed over the
 * ids in id order, the top-k and top-p sums over the ranks in order, and only the kept ids put in place.
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

/**
 * [TP1] The smallest n with Σ_{j<n} q_j >= p − TOP_P_TOLERANCE, summed in rank order over the first `length`
 * ranks (q_j = the probability of rank j's group / divisor); `length` if no prefix reaches it.
 */
function nucleusSize(work: Scratch, length: number, divisor: number, p: number): number {
  const { order, groupProb, groupCount } = work;
  let cumulative = 0;
  for (let o = 0, j = 0; j < length; o++) {
    const g = order[o]!;
    const v = groupProb[g]! / divisor;
    for (const end = Math.min(length, j + groupCount[g]!); j < end;) {
      cumulative += v;
      j++;
      if (cumulative >= p - TOP_P_TOLERANCE) return j;
    }
  }
  return length;
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
