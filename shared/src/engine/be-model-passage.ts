/**
 * Which text a "be the model" series reads, and which of its tokens the class predicts (SPEC.md [BM6]).
 */
import type { VocabView } from "./be-model-heldout.ts";
import type { LanguageModel, Rng, TokenId } from "./types.ts";

/** A passage, tokenized with the round's model, and the predicted positions start .. start + words − 1. */
export interface PassagePlan {
  tokens: number[];
  start: number;
  words: number;
}

/** Context shown before the first predicted word of a shipped passage: at least this many tokens… */
export const MIN_CONTEXT = 4;
/** …and the first predicted word is at most this far into the passage. */
export const MAX_START = 40;

/**
 * [BM6] The held-out lines of a corpus: the lines the trainer keeps out ([NG8]), every `every`-th line
 * that has at least one token (lines 10, 20, … by default), as strings.
 */
export function heldOutLines(model: LanguageModel, text: string, every = 10): string[] {
  const lines = text.split(/\r\n?|\n/).filter((line) => model.tokenizer.tokenize(line).length > 0);
  return lines.filter((_, i) => (i + 1) % every === 0);
}

/**
 * A token id the model can predict with positive probability as a word of text (not `<unk>`, not EOS, and
 * for a view, a token its inner model knows).
 */
const predictable = (model: LanguageModel | VocabView, id: TokenId): boolean =>
  id !== model.unkId && id !== model.eosId && (!("has" in model) || model.has(id));

/**
 * [BM6] A pasted text: the class predicts its last `words` tokens, which must all be in the model's
 * vocabulary, with at least one token before them. Returns a one-line problem instead when impossible.
 */
export function planPastedPassage(
  model: LanguageModel,
  tokens: number[],
  words: number,
): PassagePlan | string {
  if (tokens.length < words + 1)
    return `the text has ${tokens.length} tokens; ${words} words to predict need at least ${words + 1}`;
  const start = tokens.length - words;
  const unknown = tokens.slice(start).findIndex((id) => !predictable(model, id));
  if (unknown >= 0)
    return `word ${unknown + 1} of the last ${words} is not in the vocabulary of model "${model.id}"`;
  return { tokens, start, words };
}

/**
 * [BM6] A shipped passage: one held-out line with at least MIN_CONTEXT + `words` tokens whose candidate
 * words are all predictable by `model` (the held-out model's view, [BM3]), drawn with `rng` (uniformly
 * among those lines), and a start drawn uniformly in [MIN_CONTEXT, min(MAX_START, length − words)]. Null
 * when no line qualifies.
 */
export function planCorpusPassage(
  model: LanguageModel | VocabView,
  lines: readonly number[][],
  words: number,
  rng: Rng,
): PassagePlan | null {
  const usable = lines.filter(
    (t) => t.length >= MIN_CONTEXT + words && t.slice(MIN_CONTEXT).every((id) => predictable(model, id)),
  );
  const tokens = usable[Math.floor(rng.next() * usable.length)];
  if (!tokens) return null;
  const last = Math.min(MAX_START, tokens.length - words);
  const start = MIN_CONTEXT + Math.floor(rng.next() * (last - MIN_CONTEXT + 1));
  return { tokens, start, words };
}
