/**
 * The engine's contract: the types that the phones, the server and the CLI share.
 * Pure TypeScript: nothing here may touch Node or DOM APIs.
 */

/** A token's index in a model's vocabulary. */
export type TokenId = number;

/** Splits text into token strings and joins them back (see SPEC.md [TOK*]). */
export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** Text to token strings. Deterministic; never returns empty strings. */
  tokenize(text: string): string[];
  /** Token strings to text; `tokenize(detokenize(t))` equals `t` for tokens `tokenize` can produce. */
  detokenize(tokens: readonly string[]): string;
}

export type TokenizerKind = "word" | "char";

/** Special tokens every model's vocabulary may contain. */
export const BOS = "<s>";
export const EOS = "</s>";
export const UNK = "<unk>";

/**
 * A language model: a conditional distribution over its vocabulary given a context.
 * Ids index `vocab`. The model never samples: decoding and sampling live in decoding.ts / sampling.ts.
 */
export interface LanguageModel {
  /** Stable id, e.g. "toy" or "tiny-stories". */
  readonly id: string;
  /** Content hash of the artifact the model was built from (hex sha-256), or a fixed tag for built-in models. */
  readonly hash: string;
  readonly vocab: readonly string[];
  readonly tokenizer: Tokenizer;
  /** Id of EOS in `vocab` if the model can end a sequence; generation stops after it. */
  readonly eosId: TokenId | undefined;
  /** Id used for words outside the vocabulary when encoding a prompt. Never predicted. */
  readonly unkId: TokenId | undefined;
  /**
   * Natural-log probabilities of every vocabulary entry as the next token after `context`
   * (the prompt plus what was generated, without BOS padding: the model pads itself).
   * Impossible tokens get -Infinity. The exp of the result sums to 1.
   */
  nextTokenLogProbs(context: readonly TokenId[]): Float64Array;
  /**
   * The part of `context` the model actually reads (e.g. the last n-1 tokens), as a cache key:
   * equal keys mean equal `nextTokenLogProbs`.
   */
  contextKey(context: readonly TokenId[]): string;
}

/** Decoding settings of a round. Immutable once a round starts. */
export interface DecodingSettings {
  /** >= 0. 0 means greedy (argmax, ties to the lowest id). */
  temperature: number;
  /** Keep the k most probable tokens; 0 (or >= vocab size) disables. Integer >= 0. */
  topK: number;
  /** Nucleus: keep the smallest most-probable prefix whose mass reaches p. In (0, 1]; 1 disables. */
  topP: number;
}

export const DEFAULT_SETTINGS: DecodingSettings = Object.freeze({ temperature: 1, topK: 0, topP: 1 });

/**
 * A decoded next-token distribution: only tokens with probability > 0,
 * sorted by probability descending, ties by lowest id. `probs` sums to 1 (up to rounding).
 */
export interface TokenDistribution {
  readonly ids: Int32Array;
  readonly probs: Float64Array;
}

/** A source of uniform numbers in [0, 1). Seeded, so every engine draws the same stream. */
export interface Rng {
  next(): number;
}

/** One generated completion with the probability of each step under the decoding settings. */
export interface Generation {
  tokens: TokenId[];
  /** probs[i] = P(tokens[i] | prompt, tokens[0..i)) under the settings. */
  probs: number[];
}
