/**
 * The lecture's toy model (SPEC.md [TOY1]) and the table bigram model it is built on ([BG1]).
 */
import { wordTokenizer } from "./tokenizer.ts";
import type { LanguageModel, TokenId, Tokenizer } from "./types.ts";

/** A bigram model given by explicit probability tables (vocabulary order). */
export interface BigramTableSpec {
  id: string;
  hash: string;
  vocab: readonly string[];
  tokenizer: Tokenizer;
  /** start[b] = P(first token = b). */
  start: readonly number[];
  /** rows[a][b] = P(next = b | previous = a). */
  rows: readonly (readonly number[])[];
  eosId?: TokenId;
  unkId?: TokenId;
}

/** Tolerance on Σ_b P(b | a) = 1 for a table row. */
const ROW_SUM_TOLERANCE = 1e-12;

/** ln of a probability row, after checking it is a distribution over the vocabulary. */
function logRow(row: readonly number[], size: number, name: string): Float64Array {
  if (row.length !== size) throw new RangeError(`bigram row ${name} has ${row.length} entries, not ${size}`);
  let sum = 0;
  for (const p of row) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bigram row ${name} has a probability ${p}`);
    sum += p;
  }
  if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) throw new RangeError(`bigram row ${name} sums to ${sum}, not 1`);
  return Float64Array.from(row, (p) => Math.log(p));
}

/** [BG1] P(next | context) = rows[last token] (start row on an empty context); contextKey = last id or "^". */
export function createBigramTableModel(spec: BigramTableSpec): LanguageModel {
  const size = spec.vocab.length;
  if (spec.rows.length !== size)
    throw new RangeError(`bigram table has ${spec.rows.length} rows, not ${size}`);
  const start = logRow(spec.start, size, "^");
  const rows = spec.rows.map((row, a) => logRow(row, size, spec.vocab[a] ?? String(a)));
  const rowAfter = (context: readonly TokenId[]): Float64Array => {
    if (context.length === 0) return start;
    const last = context[context.length - 1]!;
    const row = rows[last];
    if (row === undefined) throw new RangeError(`context token ${last} is not in the vocabulary`);
    return row;
  };
  return Object.freeze({
    id: spec.id,
    hash: spec.hash,
    vocab: Object.freeze([...spec.vocab]),
    tokenizer: spec.tokenizer,
    eosId: spec.eosId,
    unkId: spec.unkId,
    nextTokenLogProbs: (context: readonly TokenId[]) => rowAfter(context).slice(),
    contextKey: (context: readonly TokenId[]) =>
      context.length === 0 ? "^" : String(context[context.length - 1]),
  });
}

/** The toy vocabulary of CS324 lecture 1, ids 0..4 in this order. */
export const TOY_VOCAB = Object.freeze(["ate", "ball", "cheese", "mouse", "the"] as const);

/**
 * [TOY1] P(next | previous word). Each row sums to exactly 1 in decimal, every entry > 0, so every
 * sentence is possible but "the mouse ate the cheese" is likely and "mouse the the cheese ate" is not.
 */
// prettier-ignore
const TOY_TABLE = {
  //         ate   ball  cheese mouse the
  "^":    [ 0.05, 0.05, 0.10,  0.10, 0.70 ], // sentence start
  ate:    [ 0.02, 0.08, 0.10,  0.05, 0.75 ],
  ball:   [ 0.10, 0.05, 0.05,  0.20, 0.60 ],
  cheese: [ 0.10, 0.05, 0.05,  0.10, 0.70 ],
  mouse:  [ 0.70, 0.05, 0.05,  0.05, 0.15 ], // "the mouse" -> "ate"
  the:    [ 0.02, 0.25, 0.33,  0.38, 0.02 ],
} as const;

/** [TOY1] The lecture's toy model: id "toy", a bigram over {ate, ball, cheese, mouse, the}, no EOS, no UNK. */
export function createToyModel(): LanguageModel {
  return createBigramTableModel({
    id: "toy",
    hash: "builtin-toy-v1",
    vocab: TOY_VOCAB,
    tokenizer: wordTokenizer,
    start: TOY_TABLE["^"],
    rows: TOY_VOCAB.map((word) => TOY_TABLE[word]),
  });
}
