/**
 * Held-out evaluation (docs/engine.md "Evaluation"): cross-entropy in bits per token and perplexity.
 *
 * Each non-empty line is one sequence, scored independently (the context starts empty, the model pads it).
 * Every token and the line's final EOS are scored with the model's plain distribution (T = 1, no truncation).
 * Out-of-vocabulary tokens are not scored (they are counted in `oov`) but stay in the context as <unk>, as SRILM
 * does; a model without <unk> drops them from the context instead.
 */
import { vocabIndex } from "./tokenizer.ts";
import type { LanguageModel, TokenId, Tokenizer } from "./types.ts";

/** The token strings of each non-empty line of a corpus (lines split at \n, \r\n or \r). */
export function tokenizeLines(tokenizer: Tokenizer, text: string): string[][] {
  return text
    .split(/\r\n?|\n/)
    .map((line) => tokenizer.tokenize(line))
    .filter((tokens) => tokens.length > 0);
}

export interface Evaluation {
  /** Scored predictions: in-vocabulary tokens plus one EOS per line (if the model has EOS). */
  tokens: number;
  /** Out-of-vocabulary tokens skipped. */
  oov: number;
  /** −(1/tokens) Σ log2 P(token | context); Infinity if some scored token had probability 0; NaN if tokens = 0. */
  crossEntropyBits: number;
  /** 2^crossEntropyBits. */
  perplexity: number;
}

/** Evaluates already tokenized lines (token strings). */
export function evaluateLines(model: LanguageModel, lines: readonly (readonly string[])[]): Evaluation {
  const index = vocabIndex(model);
  let tokens = 0;
  let oov = 0;
  let nats = 0;
  const score = (context: readonly TokenId[], id: TokenId): void => {
    nats -= model.nextTokenLogProbs(context)[id]!;
    tokens++;
  };
  for (const line of lines) {
    if (line.length === 0) continue;
    const context: TokenId[] = [];
    for (const token of line) {
      const id = index.get(token);
      if (id === undefined || id === model.unkId) {
        oov++;
        if (model.unkId !== undefined) context.push(model.unkId);
        continue;
      }
      score(context, id);
      context.push(id);
    }
    if (model.eosId !== undefined) score(context, model.eosId);
  }
  const crossEntropyBits = tokens > 0 ? nats / tokens / Math.LN2 : NaN;
  return { tokens, oov, crossEntropyBits, perplexity: 2 ** crossEntropyBits };
}

/** Evaluates text, one sequence per non-empty line, tokenized with the model's tokenizer. */
export function evaluateText(model: LanguageModel, text: string): Evaluation {
  return evaluateLines(model, tokenizeLines(model.tokenizer, text));
}
