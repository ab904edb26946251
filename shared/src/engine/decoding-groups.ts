/**
 * Ordering without a comparator sort over the vocabulary ([D2]; sortedDistribution and decodeDistribution in
 * decoding.ts): tokens grouped by value, the groups ordered, and the kept ids and probabilities written out.
 */
import { TOP_P_TOLERANCE } from "./decoding-steps.ts";

// Tokens are grouped by value with a hash table over the value's bits: an n-gram model's log-probs take about a
// hundred distinct values over thousands of tokens, and equal log-probs give equal probabilities. Only the groups
// are sorted, by value (natively, as a Float64Array; probabilities are non-decreasing in log-probs, so groups of
// equal probability end up adjacent), and each group lists its tokens in increasing id order, which gives the
// order [D2] directly; groups whose distinct log-probs round to the same probability have their ids merged. Every
// sum the definition makes in a given order (the normaliser in id order; top-k and top-p in rank order) still adds
// one token at a time in that order, so the results are bit for bit those of applyTemperature, a comparator sort,
// topK and topP, and only the kept ids are ever written out.

/**
 * Working memory, grown to the largest vocabulary seen. Private to decoding; a call reads only what it wrote
 * (the hash table is emptied of the previous call's entries first), so decoding.ts's functions stay pure, and their
 * results never alias it. JS runs one call at a time, and nothing here calls back into user code.
 */
export interface Scratch {
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

export function scratchFor(size: number): Scratch {
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
export function groupTokens(work: Scratch, values: Float64Array, n: number): number {
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
export function sumInIdOrder(work: Scratch, n: number): number {
  const { groupOf, groupWeight } = work;
  let total = 0;
  for (let i = 0; i < n; i++) total += groupWeight[groupOf[i]!]!;
  return total;
}

/**
 * Fills work.order with the groups whose probability (groupProb) is > 0, by descending value; returns how many.
 * Sorts their keys (values order the groups as their probabilities do) and finds each key's group in the table.
 */
export function orderGroups(work: Scratch, groups: number): number {
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
export function orderedIds(work: Scratch, ordered: number, kept: number): Int32Array {
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
export function orderedProbs(work: Scratch, kept: number, divisor: number): Float64Array {
  const { order, groupProb, groupCount } = work;
  const probs = new Float64Array(kept);
  for (let o = 0, j = 0; j < kept; o++) {
    const g = order[o]!;
    const v = groupProb[g]! / divisor;
    for (const end = Math.min(kept, j + groupCount[g]!); j < end; j++) probs[j] = v;
  }
  return probs;
}

/**
 * [TP1] The smallest n with Σ_{j<n} q_j >= p − TOP_P_TOLERANCE, summed in rank order over the first `length`
 * ranks (q_j = the probability of rank j's group / divisor); `length` if no prefix reaches it.
 */
export function nucleusSize(work: Scratch, length: number, divisor: number, p: number): number {
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
