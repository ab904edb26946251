/**
 * Interpolated Kneser-Ney n-gram model (docs/engine.md "Kneser-Ney"), built from an artifact's highest-order counts:
 * the tables (ngram-tables.ts), their indexes (ngram-compile.ts), and here the model that reads them.
 *
 * For order n with context h (n − 1 ids) and h' = h without its first id:
 *   P_n(w | h) = max(c_n(h w) − D_n, 0) / c_n(h) + D_n · T_n(h) / c_n(h) · P_{n−1}(w | h')   if c_n(h) > 0
 *   P_n(w | h) = P_{n−1}(w | h')                                                              otherwise
 *   P_0(w)     = 1 / (V − 2) for every id except <s> and <unk>, which get 0
 * c_N is the raw count; for n < N, c_n(h w) = N1+(• h w), the number of distinct ids v with c_{n+1}(v h w) > 0.
 * c_n(h) = Σ_w c_n(h w); T_n(h) = |{w : c_n(h w) > 0}|.
 */
import { BOS_ID, EOS_ID, UNK_ID, type NgramArtifact } from "./artifact.ts";
import { compileNgram, contextGet, type CompiledNgram } from "./ngram-compile.ts";
import { tokenizerFor } from "./tokenizer.ts";
import type { LanguageModel, TokenId } from "./types.ts";

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
