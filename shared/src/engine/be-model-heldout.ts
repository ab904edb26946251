/**
 * "Be the model" on a shipped passage (SPEC.md [BM3], [BM6]): the passage is a held-out line of the corpus,
 * which the shipped model has seen, so the series is scored with the model trained without those lines
 * (trainWithoutHeldOut), seen through the shipped model's vocabulary so that token ids stay the shipped ones.
 */
import type { LanguageModel, TokenId } from "./types.ts";

/** A model over another model's vocabulary; `has(id)` says whether the inner model knows token `id`. */
export interface VocabView extends LanguageModel {
  has(id: TokenId): boolean;
}

/**
 * `inner` (e.g. the held-out model) over `outer`'s token ids (e.g. the shipped model, whose vocabulary
 * contains inner's: it was trained on a superset of the lines). Context ids outer has and inner lacks read
 * as inner's `<unk>`, as encoding the same text with inner would; tokens inner lacks get probability 0.
 * Id and tokenizer are outer's, the hash inner's (caches keyed by id@hash keep the two apart).
 */
export function onVocabOf(inner: LanguageModel, outer: LanguageModel): VocabView {
  const outerIds = new Map(outer.vocab.map((token, id) => [token, id] as const));
  const toOuter = inner.vocab.map((token) => {
    const id = outerIds.get(token);
    if (id === undefined)
      throw new RangeError(`token "${token}" of model "${inner.id}" is not in "${outer.id}"`);
    return id;
  });
  const toInner = new Map(toOuter.map((o, i) => [o, i] as const));
  const read = (context: readonly TokenId[]): TokenId[] =>
    context.map((id) => toInner.get(id) ?? inner.unkId ?? -1);
  return {
    id: outer.id,
    hash: inner.hash,
    vocab: outer.vocab,
    tokenizer: outer.tokenizer,
    eosId: outer.eosId,
    unkId: outer.unkId,
    has: (id) => toInner.has(id),
    contextKey: (context) => inner.contextKey(read(context)),
    nextTokenLogProbs(context) {
      const own = inner.nextTokenLogProbs(read(context));
      const out = new Float64Array(outer.vocab.length).fill(-Infinity);
      for (let i = 0; i < own.length; i++) out[toOuter[i]!] = own[i]!;
      return out;
    },
  };
}
