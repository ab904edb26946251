/**
 * Tokenizers (docs/engine.md [TOK1]–[TOK5]): text <-> token strings, and text <-> a model's token ids.
 * Pure functions of their input; `tokenize(detokenize(t))` equals `t` for every `t` that `tokenize` can produce.
 */
import { type LanguageModel, type TokenId, type Tokenizer, type TokenizerKind } from "./types.ts";

/** Never preceded by a space on detokenize. */
const NO_SPACE_BEFORE: ReadonlySet<string> = new Set([".", ",", "!", "?", ";", ":", "'", ")", "]", "}"]);
/** Never followed by a space on detokenize. */
const NO_SPACE_AFTER: ReadonlySet<string> = new Set(["(", "[", "{"]);
const QUOTE = '"';

/**
 * Joins tokens with the English spacing rules. `tight(token)` marks tokens (CJK characters) that never
 * take a space on either side. Straight double quotes alternate: opening (space before, none after),
 * then closing (none before).
 */
function joinWithSpacing(tokens: readonly string[], tight: (token: string) => boolean): string {
  let out = "";
  let insideQuote = false;
  let previous: string | undefined;
  let previousOpensQuote = false;
  for (const token of tokens) {
    const isQuote = token === QUOTE;
    const closesQuote = isQuote && insideQuote;
    if (previous !== undefined) {
      const space =
        !tight(previous) &&
        !tight(token) &&
        !NO_SPACE_BEFORE.has(token) &&
        !NO_SPACE_AFTER.has(previous) &&
        !previousOpensQuote &&
        !closesQuote;
      if (space) out += " ";
    }
    out += token;
    if (isQuote) insideQuote = !insideQuote;
    previousOpensQuote = isQuote && !closesQuote;
    previous = token;
  }
  return out;
}

/** Phones type curly quotes; the models are trained on straight ones. */
function straightenQuotes(text: string): string {
  return text.replace(/[\u2018\u2019\u02BC]/gu, "'").replace(/[\u201C\u201D]/gu, QUOTE);
}

/** A word: letters/digits/marks with inner apostrophes ("don't", "lily's"); else one non-space character. */
const WORD_TOKEN = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:'[\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*|\S/gu;

/** Word-level tokenizer for English: lower-cased words, single punctuation characters, no whitespace. */
export const wordTokenizer: Tokenizer = Object.freeze({
  kind: "word" as const,
  tokenize(text: string): string[] {
    return straightenQuotes(text.toLowerCase()).match(WORD_TOKEN) ?? [];
  },
  detokenize(tokens: readonly string[]): string {
    return joinWithSpacing(tokens, () => false);
  },
});

/** CJK ideographs, kana, hangul, bopomofo. */
const CJK_LETTER = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}`;
/** CJK symbols and punctuation, full-width forms, and the quotes and dashes of Chinese typography. */
const CJK_PUNCT = String.raw`\u3000-\u303F\uFF00-\uFFEF\u2014\u2018-\u201F\u2026\u00B7`;
const TIGHT = new RegExp(`^[${CJK_LETTER}${CJK_PUNCT}]$`, "u");
/** A non-CJK letter, digit or mark. */
const LATIN = `(?:(?![${CJK_LETTER}])[\\p{L}\\p{M}\\p{N}])`;
const LATIN_START = `(?:(?![${CJK_LETTER}])[\\p{L}\\p{N}])`;
const CHAR_TOKEN = new RegExp(
  `[${CJK_LETTER}${CJK_PUNCT}]|${LATIN_START}${LATIN}*(?:'${LATIN_START}${LATIN}*)*|\\S`,
  "gu",
);

/**
 * Character-level tokenizer for Chinese (and mixed) text: every CJK character or full-width punctuation
 * mark is a token and takes no spaces; runs of other letters/digits are lower-cased words spaced as English.
 */
export const charTokenizer: Tokenizer = Object.freeze({
  kind: "char" as const,
  tokenize(text: string): string[] {
    return text.toLowerCase().match(CHAR_TOKEN) ?? [];
  },
  detokenize(tokens: readonly string[]): string {
    return joinWithSpacing(tokens, (token) => TIGHT.test(token));
  },
});

export function tokenizerFor(kind: TokenizerKind): Tokenizer {
  switch (kind) {
    case "word":
      return wordTokenizer;
    case "char":
      return charTokenizer;
  }
}

const vocabIndexes = new WeakMap<readonly string[], ReadonlyMap<string, TokenId>>();

/** The id of each vocabulary entry (built once per vocabulary). */
export function vocabIndex(model: Pick<LanguageModel, "vocab">): ReadonlyMap<string, TokenId> {
  let index = vocabIndexes.get(model.vocab);
  if (index === undefined) {
    const built = new Map<string, TokenId>();
    model.vocab.forEach((token, id) => {
      if (!built.has(token)) built.set(token, id);
    });
    vocabIndexes.set(model.vocab, built);
    index = built;
  }
  return index;
}

/** Text to ids: unknown words become `model.unkId`; a model without one throws, naming the word. */
export function encodeText(model: LanguageModel, text: string): TokenId[] {
  const index = vocabIndex(model);
  return model.tokenizer.tokenize(text).map((token) => {
    const id = index.get(token) ?? model.unkId;
    if (id === undefined) {
      throw new Error(`"${token}" is not in the vocabulary of model "${model.id}" (it has no <unk> token)`);
    }
    return id;
  });
}

function tokenString(model: LanguageModel, id: TokenId): string {
  const token = model.vocab[id];
  if (token === undefined)
    throw new RangeError(`token id ${id} is outside the vocabulary of model "${model.id}"`);
  return token;
}

/** Ids to text. EOS is shown as nothing. */
export function decodeTokens(model: LanguageModel, ids: readonly TokenId[]): string {
  const tokens: string[] = [];
  for (const id of ids) if (id !== model.eosId) tokens.push(tokenString(model, id));
  return model.tokenizer.detokenize(tokens);
}

/** How a single token is displayed: EOS as "⏎", anything else as its vocabulary string. */
export function tokenLabel(model: LanguageModel, id: TokenId): string {
  return id === model.eosId ? "⏎" : tokenString(model, id);
}

/** A completion as one line of text, with EOS visible as "⏎" (distinct completions stay distinct). */
export function completionLabel(model: LanguageModel, ids: readonly TokenId[]): string {
  return model.tokenizer.detokenize(ids.map((id) => tokenLabel(model, id)));
}
