/**
 * The indexes of an interpolated Kneser-Ney model (docs/engine.md "Kneser-Ney"), built once from an artifact's
 * tables: per order, contexts in CSR form with their followers' weights and γ, and the context lookup. Typed arrays
 * only, so a worker_thread can build them and transfer them; ngram.ts runs the model over them.
 */
import { BOS_ID, UNK_ID, type NgramArtifact } from "./artifact.ts";
import { allTables } from "./ngram-tables.ts";

/** One order n >= 2, in CSR form: per context, its followers, their interpolation weights and γ(h). */
export interface Level {
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
export function contextGet(table: ContextTable, key: number): number {
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
