/**
 * Interpolated Kneser-Ney n-gram model (docs/engine.md "Kneser-Ney"), built from an artifact's highest-order counts.
 *
 * For order n with context h (n − 1 ids) and h' = h without its first id:
 *   P_n(w | h) = max(c_n(h w) − D_n, 0) / c_n(h) + D_n · T_n(h) / c_n(h) · P_{n−1}(w | h')   if c_n(h) > 0
 *   P_n(w | h) = P_{n−1}(w | h')                                                              otherwise
 *   P_0(w)     = 1 / (V − 2) for every id except <s> and <unk>, which get 0
 * c_N is the raw count; for n < N, c_n(h w) = N1+(• h w), the number of distinct ids v with c_{n+1}(v h w) > 0.
 * c_n(h) = Σ_w c_n(h w); T_n(h) = |{w : c_n(h w) > 0}|.
 */
import { BOS_ID, EOS_ID, UNK_ID, type NgramArtifact } from "./artifact.ts";
import { tokenizerFor } from "./tokenizer.ts";
import type { LanguageModel, TokenId } from "./types.ts";

/** Distinct n-grams of one order, flat and sorted lexicographically, with their (raw or continuation) counts. */
export interface NgramTable {
  readonly n: number;
  readonly ids: Int32Array;
  readonly counts: Float64Array;
}

/** The highest-order table of an artifact (its counts as stored). */
export function topTable(order: number, flat: readonly number[]): NgramTable {
  const width = order + 1;
  const size = flat.length / width;
  const ids = new Int32Array(size * order);
  const counts = new Float64Array(size);
  for (let g = 0; g < size; g++) {
    for (let j = 0; j < order; j++) ids[g * order + j] = flat[g * width + j]!;
    counts[g] = flat[g * width + order]!;
  }
  return { n: order, ids, counts };
}

/** Order n − 1 from order n: the distinct suffixes, each counted by how many n-grams end with it (N1+(• s)). */
export function continuationTable(table: NgramTable): NgramTable {
  const { n, ids } = table;
  const m = n - 1;
  const size = table.counts.length;
  const order = Array.from({ length: size }, (_, g) => g);
  order.sort((a, b) => {
    for (let k = 1; k < n; k++) {
      const d = ids[a * n + k]! - ids[b * n + k]!;
      if (d !== 0) return d;
    }
    return 0;
  });
  const outIds: number[] = [];
  const outCounts: number[] = [];
  let previous = -1;
  for (const g of order) {
    const same = previous >= 0 && sameSuffix(ids, n, previous, g);
    if (same) outCounts[outCounts.length - 1]! += 1;
    else {
      for (let k = 1; k < n; k++) outIds.push(ids[g * n + k]!);
      outCounts.push(1);
    }
    previous = g;
  }
  return { n: m, ids: Int32Array.from(outIds), counts: Float64Array.from(outCounts) };
}

function sameSuffix(ids: Int32Array, n: number, a: number, b: number): boolean {
  for (let k = 1; k < n; k++) if (ids[a * n + k] !== ids[b * n + k]) return false;
  return true;
}

/** Tables for orders 1..N (index n − 1): raw counts at N, continuation counts below. */
export function allTables(order: number, flat: readonly number[]): NgramTable[] {
  const tables: NgramTable[] = [topTable(order, flat)];
  while (tables[0]!.n > 1) tables.unshift(continuationTable(tables[0]!));
  return tables;
}

/** D = n1 / (n1 + 2 n2) from the count-of-counts, clamped to [0.1, 0.9] (0.5 if there is no n1 or n2). */
export function discountFor(counts: Float64Array): number {
  let n1 = 0;
  let n2 = 0;
  for (const c of counts) {
    if (c === 1) n1++;
    else if (c === 2) n2++;
  }
  const d = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  return Math.min(0.9, Math.max(0.1, d));
}

/** One order n >= 2, in CSR form: per context, its followers, their interpolation weights and γ(h). */
interface Level {
  /** followers of context i are followers[offsets[i] .. offsets[i + 1]) */
  readonly offsets: Int32Array;
  readonly followers: Int32Array;
  /** max(c(h w) − D, 0) / c(h) */
  readonly weights: Float64Array;
  /** γ(h) = D · T(h) / c(h): the mass left for the lower order */
  readonly gamma: Float64Array;
}

/**
 * Integer keys (< 2^53) to context indexes, in typed arrays (open addressing, linear probing; value −1: empty slot),
 * so that a compiled model is plain data a worker_thread can hand over without copying (compileNgram).
 */
export interface ContextTable {
  readonly keys: Float64Array;
  readonly values: Int32Array;
}

const TWO_32 = 4_294_967_296;

function slotOf(key: number, mask: number): number {
  const lo = key % TWO_32;
  let h = Math.imul((lo | 0) ^ Math.imul((key - lo) / TWO_32, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}

/** A table for up to `size` keys (at most half full). */
function contextTable(size: number): ContextTable {
  let capacity = 8;
  while (capacity < size * 2) capacity *= 2;
  return { keys: new Float64Array(capacity), values: new Int32Array(capacity).fill(-1) };
}

function contextSet(table: ContextTable, key: number, value: number): void {
  const { keys, values } = table;
  const mask = values.length - 1;
  let i = slotOf(key, mask);
  while (values[i] !== -1 && keys[i] !== key) i = (i + 1) & mask;
  keys[i] = key;
  values[i] = value;
}

/** The value of `key`, or −1. */
function contextGet(table: ContextTable, key: number): number {
  const { keys, values } = table;
  const mask = values.length - 1;
  for (let i = slotOf(key, mask); ; i = (i + 1) & mask) {
    const value = values[i]!;
    if (value === -1 || keys[i] === key) return value;
  }
}

/**
 * An artifact's indexes (compileNgram): typed arrays only, so that a worker_thread can build them and transfer them
 * (compiledBuffers) to the thread that runs the model (ngramModelFromCompiled).
 */
export interface CompiledNgram {
  readonly vocabSize: number;
  readonly order: number;
  /** P_1 and ln P_1, dense. */
  readonly p1: Float64Array;
  readonly logP1: Float64Array;
  /** levels[n] for n = 2..N */
  readonly levels: Level[];
  /** Context index at order 2, by its one id (−1: unseen). */
  readonly bigramContext: Int32Array;
  /** Context index at order n >= 3, keyed by index(h') · V + h_1, where h' is h's suffix at order n − 1. */
  readonly contextMaps: ContextTable[];
}

/** The ArrayBuffers of a compiled model, to transfer it (postMessage's transfer list). */
export function compiledBuffers(c: CompiledNgram): ArrayBuffer[] {
  const arrays: { buffer: ArrayBufferLike }[] = [c.p1, c.logP1, c.bigramContext];
  for (const level of c.levels)
    if (level) arrays.push(level.offsets, level.followers, level.weights, level.gamma);
  for (const t of c.contextMaps) arrays.push(t.keys, t.values);
  return arrays.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** The indexes of a validated artifact (the costly part of ngramModel: seconds for a large order-5 model). */
export function compileNgram(artifact: NgramArtifact): CompiledNgram {
  const v = artifact.vocab.length;
  const order = artifact.order;
  const tables = allTables(order, artifact.counts);
  const unigram = tables[0]!;
  const d1 = artifact.discounts[0]!;
  let total = 0;
  for (const c of unigram.counts) total += c;
  const uniform = 1 / (v - 2);
  const gamma1 = total > 0 ? (d1 * unigram.counts.length) / total : 1;
  const p1 = new Float64Array(v);
  for (let w = 0; w < v; w++) p1[w] = w === BOS_ID || w === UNK_ID ? 0 : gamma1 * uniform;
  for (let g = 0; g < unigram.counts.length; g++) p1[unigram.ids[g]!]! += (unigram.counts[g]! - d1) / total;
  const logP1 = p1.map(Math.log);

  const bigramContext = new Int32Array(v).fill(-1);
  const levels: Level[] = [];
  const contextMaps: ContextTable[] = [contextTable(0), contextTable(0), contextTable(0)];
  for (let n = 2; n <= order; n++) {
    const table = tables[n - 1]!;
    const d = artifact.discounts[n - 1]!;
    const size = table.counts.length;
    const offsets: number[] = [];
    const gamma: number[] = [];
    const weights = new Float64Array(size);
    const followers = new Int32Array(size);
    let contexts = 0;
    for (let g = 0; g < size; g++) if (g === 0 || !sameContext(table.ids, n, g - 1, g)) contexts++;
    const map = contextTable(n === 2 ? 0 : contexts);
    let g = 0;
    while (g < size) {
      let end = g + 1;
      while (end < size && sameContext(table.ids, n, g, end)) end++;
      const index = offsets.length;
      const first = table.ids[g * n]!;
      if (n === 2) bigramContext[first] = index;
      else
        contextSet(
          map,
          lowerIndex(table.ids, g * n + 1, n - 2, bigramContext, contextMaps, v) * v + first,
          index,
        );
      let c = 0;
      for (let k = g; k < end; k++) c += table.counts[k]!;
      for (let k = g; k < end; k++) {
        followers[k] = table.ids[k * n + n - 1]!;
        weights[k] = Math.max(table.counts[k]! - d, 0) / c;
      }
      offsets.push(g);
      gamma.push((d * (end - g)) / c);
      g = end;
    }
    offsets.push(size);
    levels[n] = { offsets: Int32Array.from(offsets), followers, weights, gamma: Float64Array.from(gamma) };
    contextMaps[n] = map;
  }
  return { vocabSize: v, order, p1, logP1, levels, bigramContext, contextMaps };
}

function sameContext(ids: Int32Array, n: number, a: number, b: number): boolean {
  for (let k = 0; k < n - 1; k++) if (ids[a * n + k] !== ids[b * n + k]) return false;
  return true;
}

/** Index of the context ids[start .. start + len) at order len + 1 (it exists: seen contexts are suffix-closed). */
function lowerIndex(
  ids: Int32Array,
  start: number,
  len: number,
  bigramContext: Int32Array,
  maps: ContextTable[],
  v: number,
): number {
  let index = bigramContext[ids[start + len - 1]!]!;
  for (let k = 2; k <= len && index >= 0; k++)
    index = contextGet(maps[k + 1]!, index * v + ids[start + len - k]!);
  if (index < 0) throw new Error("corrupt n-gram table: a context's suffix is missing");
  return index;
}

/** A LanguageModel over a validated artifact. Indexes are built once; each call allocates only its result. */
export function ngramModel(artifact: NgramArtifact): LanguageModel {
  return ngramModelFromCompiled(artifact, compileNgram(artifact));
}

/** A LanguageModel over indexes compileNgram built from `artifact` (possibly in another thread): cheap. */
export function ngramModelFromCompiled(
  artifact: Pick<NgramArtifact, "id" | "hash" | "vocab" | "tokenizer">,
  m: CompiledNgram,
): LanguageModel {
  const { vocabSize: v, order, p1, logP1, levels, bigramContext, contextMaps } = m;
  const contextIndex = new Int32Array(order + 1);
  const scale = new Float64Array(order + 1);
  const scratch = new Float64Array(v);

  /** The id `back` positions from the end of the padded context. */
  const idAt = (context: readonly TokenId[], back: number): number => {
    const i = context.length - back;
    if (i < 0) return BOS_ID;
    const id = context[i]!;
    if (!(Number.isInteger(id) && id >= 0 && id < v))
      throw new RangeError(`context id ${id} is not in [0, ${v})`);
    return id;
  };

  /**
   * The highest order whose context (the last n − 1 ids, padded) was seen in training, filling contextIndex[2..top].
   * Seen contexts are suffix-closed, so every order from 2 to top is seen too; above top, KN backs off fully.
   */
  function seenOrder(context: readonly TokenId[]): number {
    for (let back = 1; back < order; back++) idAt(context, back); // validates the ids the model reads
    if (order < 2) return 1;
    const index = bigramContext[idAt(context, 1)]!;
    if (index < 0) return 1;
    contextIndex[2] = index;
    let top = 2;
    for (let n = 3; n <= order; n++) {
      const next = contextGet(contextMaps[n]!, contextIndex[n - 1]! * v + idAt(context, n - 1));
      if (next < 0) break;
      contextIndex[n] = next;
      top = n;
    }
    return top;
  }

  function nextTokenLogProbs(context: readonly TokenId[]): Float64Array {
    const top = seenOrder(context);
    // Unrolled recursion: P_N(w) = Γ_1 P_1(w) + Σ_{n=2..top} Γ_n a_n(w), Γ_top = 1, Γ_{n−1} = Γ_n γ_n(h_n).
    let g = 1;
    for (let n = top; n >= 2; n--) {
      scale[n] = g;
      g *= levels[n]!.gamma[contextIndex[n]!]!;
    }
    const out = new Float64Array(v);
    const logG1 = Math.log(g);
    for (let w = 0; w < v; w++) out[w] = logG1 + logP1[w]!;
    if (top >= 2) {
      // Followers at order n are a subset of those at order n − 1, so order 2's followers cover them all.
      const base = levels[2]!;
      const from = base.offsets[contextIndex[2]!]!;
      const to = base.offsets[contextIndex[2]! + 1]!;
      for (let k = from; k < to; k++) {
        const w = base.followers[k]!;
        scratch[w] = g * p1[w]! + scale[2]! * base.weights[k]!;
      }
      for (let n = 3; n <= top; n++) {
        const level = levels[n]!;
        const s = scale[n]!;
        const end = level.offsets[contextIndex[n]! + 1]!;
        for (let k = level.offsets[contextIndex[n]!]!; k < end; k++)
          scratch[level.followers[k]!]! += s * level.weights[k]!;
      }
      for (let k = from; k < to; k++) {
        const w = base.followers[k]!;
        out[w] = Math.log(scratch[w]!);
      }
    }
    return out;
  }

  /**
   * The ids of the longest seen context suffix, e.g. "12 7" (trigram seen), "7" (backed off to the bigram), ""
   * (unigram): the distribution depends on nothing else, so contexts that back off to the same suffix share a key.
   */
  function contextKey(context: readonly TokenId[]): string {
    const top = seenOrder(context);
    if (top === 1) return "";
    let key = String(idAt(context, top - 1));
    for (let back = top - 2; back >= 1; back--) key += ` ${idAt(context, back)}`;
    return key;
  }

  return Object.freeze({
    id: artifact.id,
    hash: artifact.hash,
    vocab: Object.freeze([...artifact.vocab]),
    tokenizer: tokenizerFor(artifact.tokenizer),
    eosId: EOS_ID,
    unkId: UNK_ID,
    nextTokenLogProbs,
    contextKey,
  });
}
