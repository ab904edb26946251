/**
 * Trains an interpolated Kneser-Ney artifact from a corpus (docs/engine.md "Training"). Deterministic: the same text
 * and options give a byte-identical artifact and the same hash.
 */
import {
  MAX_ORDER,
  MODEL_ID_PATTERN,
  NGRAM_FORMAT,
  NGRAM_VERSION,
  withHash,
  type HeldOutStats,
  type NgramArtifact,
  type UnhashedNgramArtifact,
} from "./artifact.ts";
import { evaluateLines } from "./evaluate.ts";
import { allTables, discountFor } from "./ngram-tables.ts";
import { ngramModel } from "./ngram.ts";
import { tokenizerFor } from "./tokenizer.ts";
import { BOS, EOS, UNK, type Tokenizer, type TokenizerKind } from "./types.ts";

/** The stages of trainNgram, in the order they run (reported through `onProgress`). */
export type TrainStage = "tokenizing" | "counting" | "held-out" | "hashing";

export interface TrainNgramOptions {
  id: string;
  name: string;
  description: string;
  /** n of the n-gram: >= 1, default 3. */
  order?: number;
  tokenizer?: TokenizerKind;
  /** Hold out every k-th non-empty line to measure cross-entropy (k >= 2; 0 skips the measurement). Default 10. */
  heldOutEvery?: number;
  /**
   * Called as training advances, with the current stage and the fraction of the whole job done, in [0, 1]
   * (non-decreasing; 1 once, at the end). Only observes: the artifact is the same with or without it.
   */
  onProgress?: (stage: TrainStage, fraction: number) => void;
}

type Options = Required<Omit<TrainNgramOptions, "onProgress">>;
/** Reports `done / total` of the current stage. */
type Tick = (done: number, total: number) => void;
/** How often (in lines) the loops report. */
const TICK_LINES = 512;

/** Orders strings by Unicode code point (not UTF-16 code unit, which misorders astral characters). */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** ["</s>", "<s>", "<unk>", then tokens by descending count, ties by code-point order]. */
function buildVocab(lines: readonly (readonly string[])[]): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) for (const token of line) counts.set(token, (counts.get(token) ?? 0) + 1);
  for (const special of [EOS, BOS, UNK]) counts.delete(special);
  const tokens = [...counts.keys()].sort(
    (a, b) => counts.get(b)! - counts.get(a)! || compareCodePoints(a, b),
  );
  return [EOS, BOS, UNK, ...tokens];
}

/** Highest-order counts of the padded lines (order − 1 <s>, tokens, </s>), flat and sorted by ids. */
function countNgrams(
  lines: readonly (readonly string[])[],
  vocab: readonly string[],
  order: number,
  tick: Tick,
): number[] {
  const index = new Map(vocab.map((token, id) => [token, id] as const));
  const grams = new Map<string, { ids: number[]; count: number }>();
  for (const [i, line] of lines.entries()) {
    if (i % TICK_LINES === 0) tick(i, lines.length);
    const ids = [...Array<number>(order - 1).fill(1), ...line.map((t) => index.get(t) ?? 2), 0];
    for (let end = order - 1; end < ids.length; end++) {
      const gram = ids.slice(end - order + 1, end + 1);
      const key = gram.join(",");
      const entry = grams.get(key);
      if (entry) entry.count++;
      else grams.set(key, { ids: gram, count: 1 });
    }
  }
  const sorted = [...grams.values()].sort((a, b) => {
    for (let k = 0; k < order; k++) if (a.ids[k] !== b.ids[k]) return a.ids[k]! - b.ids[k]!;
    return 0;
  });
  return sorted.flatMap(({ ids, count }) => [...ids, count]);
}

/** Rounds a metric so that the artifact does not depend on the last bits of Math.log. */
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** The token strings of each non-empty line, as evaluate.ts's tokenizeLines, reporting as it goes. */
function tokenizeLines(tokenizer: Tokenizer, text: string, tick: Tick): string[][] {
  const raw = text.split(/\r\n?|\n/);
  const lines: string[][] = [];
  for (const [i, line] of raw.entries()) {
    if (i % TICK_LINES === 0) tick(i, raw.length);
    const tokens = tokenizer.tokenize(line);
    if (tokens.length > 0) lines.push(tokens);
  }
  return lines;
}

/** Vocabulary, highest-order counts and discounts of the lines. */
function tables(lines: readonly (readonly string[])[], order: number, tick: Tick) {
  const vocab = buildVocab(lines);
  const counts = countNgrams(lines, vocab, order, tick);
  const discounts = allTables(order, counts).map((table) => discountFor(table.counts));
  return { vocab, counts, discounts };
}

function unhashed(
  lines: readonly (readonly string[])[],
  options: Options,
  { vocab, counts, discounts }: ReturnType<typeof tables>,
  heldOut: HeldOutStats | null,
): UnhashedNgramArtifact {
  return {
    format: NGRAM_FORMAT,
    version: NGRAM_VERSION,
    id: options.id,
    name: options.name,
    description: options.description,
    tokenizer: options.tokenizer,
    order: options.order,
    vocab,
    discounts,
    counts,
    training: {
      lines: lines.length,
      tokens: lines.reduce((sum, line) => sum + line.length, 0),
      vocabSize: vocab.length,
      heldOut,
    },
  };
}

function checkedOptions(options: TrainNgramOptions): Options {
  const full: Options = {
    id: options.id,
    name: options.name,
    description: options.description,
    order: options.order ?? 3,
    tokenizer: options.tokenizer ?? "word",
    heldOutEvery: options.heldOutEvery ?? 10,
  };
  if (!MODEL_ID_PATTERN.test(full.id))
    throw new RangeError(`model id "${full.id}" must match ${MODEL_ID_PATTERN}`);
  if (full.name.trim() === "") throw new RangeError("model name must not be empty");
  if (!(Number.isInteger(full.order) && full.order >= 1 && full.order <= MAX_ORDER)) {
    throw new RangeError(`order must be an integer in [1, ${MAX_ORDER}] (got ${full.order})`);
  }
  if (!(Number.isInteger(full.heldOutEvery) && (full.heldOutEvery === 0 || full.heldOutEvery >= 2))) {
    throw new RangeError(`heldOutEvery must be 0 or an integer >= 2 (got ${full.heldOutEvery})`);
  }
  return full;
}

/** Where each stage starts and ends on the 0..1 progress scale (roughly its share of the time). */
const SPANS: Record<TrainStage, readonly [number, number]> = {
  tokenizing: [0, 0.05],
  counting: [0.05, 0.45],
  "held-out": [0.45, 0.92],
  hashing: [0.92, 1],
};

/** A Tick for a stage that maps its own done/total onto the whole job, never going backwards. */
function progress(onProgress: TrainNgramOptions["onProgress"]) {
  let last = -1;
  const at = (stage: TrainStage, fraction: number): void => {
    if (!onProgress || fraction <= last) return;
    last = fraction;
    onProgress(stage, fraction);
  };
  return (stage: TrainStage, from = 0, to = 1): Tick => {
    const [a, b] = SPANS[stage];
    return (done, total) => {
      const x = from + (to - from) * (total > 0 ? done / total : 1);
      at(stage, x >= 1 ? b : a + (b - a) * x);
    };
  };
}

/** The lines trainNgram keeps out ([NG8]: every `every`-th non-empty line) and the training split. */
function split(lines: readonly string[][], every: number) {
  const held = every > 0 ? lines.filter((_, i) => (i + 1) % every === 0) : [];
  const rest = every > 0 ? lines.filter((_, i) => (i + 1) % every !== 0) : lines;
  return { held, rest };
}

/** The training split's unhashed artifact (the model trainNgram evaluates on the held-out lines). */
function trainingSplit(rest: readonly string[][], opts: Options, tick: Tick): UnhashedNgramArtifact {
  return unhashed(rest, opts, tables(rest, opts.order, tick), null);
}

/**
 * Trains on every non-empty line. Unless heldOutEvery is 0, a model trained without every heldOutEvery-th
 * line is also evaluated on those lines; that measurement goes into `training.heldOut`.
 */
export function trainNgram(text: string, options: TrainNgramOptions): NgramArtifact {
  const opts = checkedOptions(options);
  const stage = progress(options.onProgress);
  const lines = tokenizeLines(tokenizerFor(opts.tokenizer), text, stage("tokenizing"));
  if (lines.length === 0) throw new RangeError("the corpus has no non-empty line");
  const full = tables(lines, opts.order, stage("counting"));
  let heldOut: HeldOutStats | null = null;
  const { held, rest } = split(lines, opts.heldOutEvery);
  if (held.length > 0) {
    const restArtifact = trainingSplit(rest, opts, stage("held-out", 0, 0.5));
    stage("held-out", 0.5, 0.75)(0, 1);
    // the held-out model's own hash is never used: skip computing it
    const model = ngramModel({ ...restArtifact, hash: "" });
    stage("held-out", 0.75)(0, 1);
    const stats = evaluateLines(model, held);
    heldOut = {
      lines: held.length,
      tokens: stats.tokens,
      oov: stats.oov,
      crossEntropyBits: round6(stats.crossEntropyBits),
      perplexity: round6(stats.perplexity),
    };
  }
  stage("hashing")(0, 1);
  const artifact = withHash(unhashed(lines, opts, full, heldOut));
  stage("hashing")(1, 1);
  return artifact;
}

/**
 * [NG8] The model trainNgram evaluates on its held-out lines, with a hash: same options, trained on the
 * text without every heldOutEvery-th non-empty line (heldOutEvery >= 2 here); `training.heldOut` is null.
 * Deterministic like trainNgram. "Be the model" scores shipped passages, which are held-out lines, with it
 * ([BM3], [BM6]).
 */
export function trainWithoutHeldOut(text: string, options: TrainNgramOptions): NgramArtifact {
  const opts = checkedOptions(options);
  if (opts.heldOutEvery === 0)
    throw new RangeError("heldOutEvery must be >= 2 to train without held-out lines");
  const stage = progress(options.onProgress);
  const lines = tokenizeLines(tokenizerFor(opts.tokenizer), text, stage("tokenizing"));
  const { rest } = split(lines, opts.heldOutEvery);
  if (rest.length === 0) throw new RangeError("the corpus has no non-empty line");
  const artifact = withHash(trainingSplit(rest, opts, stage("counting")));
  stage("hashing")(1, 1);
  return artifact;
}
