/**
 * "Be the model" rounds (SPEC.md [BM1]–[BM7]): students forecast the next word of a real text; each
 * forecast is scored by the log loss of the true word, the cross-entropy with a one-hot label. All in bits.
 */
import { nextTokenDistribution, probabilityOf } from "./decoding.ts";
import { floorGuess, GUESS_FLOOR } from "./scoring.ts";
import type { LanguageModel, Rng, TokenDistribution, TokenId } from "./types.ts";

/** [BM3] The model is scored as itself: T = 1, no top-k, no top-p. */
export const PLAIN_SETTINGS = { temperature: 1, topK: 0, topP: 1 } as const;

/**
 * [BM2] The candidates of one word: the model's k + 1 most probable tokens when the true token is among
 * the first k + 1, else the first k and the true token; shuffled (Fisher–Yates with `rng`). The count is
 * always min(k + 1, support + [true token outside the support]), so it never tells whether the true
 * word is one of the model's favourites.
 */
export function wordCandidates(
  dist: TokenDistribution,
  trueId: TokenId,
  k: number,
  rng: Rng,
): { ids: number[]; trueIndex: number } {
  const top = Array.from(dist.ids.slice(0, k + 1));
  const ids = top.includes(trueId) ? top : [...top.slice(0, k), trueId];
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return { ids, trueIndex: ids.indexOf(trueId) };
}

/** [BM1] The one-hot label over the outcomes (candidates, then "something else"). */
export function oneHot(outcomes: number, index: number): number[] {
  return Array.from({ length: outcomes }, (_, i) => (i === index ? 1 : 0));
}

/**
 * [BM1] A student's loss on one word: −log2 q(true word), q being the guess floored at 0.001 and
 * renormalised ([GS4]). Equals KL(one-hot ‖ q) = H(one-hot, q), since H(one-hot) = 0.
 */
export function wordLossBits(guess: readonly number[], trueIndex: number, floor = GUESS_FLOOR): number {
  const q = floorGuess(guess, floor)[trueIndex];
  if (q === undefined) throw new RangeError(`no outcome ${trueIndex} in a guess of ${guess.length}`);
  return -Math.log2(q);
}

/** [BM4] A skipped word counts as the uniform guess over the K outcomes: log2 K bits. */
export function skippedLossBits(outcomes: number): number {
  return Math.log2(outcomes);
}

/**
 * [BM3] The model's loss on the true token: −log2 p(token | context) with the model's plain
 * distribution ([D1] at T = 1, no cut). +Infinity for a token the model gives probability 0 (its
 * `<unk>`, [NG2]): such a word is never a predicted word ([BM6]).
 */
export function modelLossBits(model: LanguageModel, context: readonly TokenId[], token: TokenId): number {
  return -Math.log2(probabilityOf(nextTokenDistribution(model, context, PLAIN_SETTINGS), token));
}

/** [BM5] Mean of the losses (NaN when empty), and its perplexity 2^mean. */
export function averageLoss(losses: readonly number[]): { bits: number; perplexity: number } {
  const bits = losses.reduce((s, x) => s + x, 0) / losses.length;
  return { bits, perplexity: 2 ** bits };
}

/** One revealed word of a series: how many outcomes it had and each student's loss (absent = skipped). */
export interface ScoredWord {
  outcomes: number;
  modelLossBits: number;
  losses: ReadonlyMap<string, number>;
}

export interface SeriesStanding {
  participantId: string;
  /** One loss per revealed word, in order; skipped words hold the [BM4] loss. */
  lossesBits: number[];
  answered: number;
  averageBits: number;
  perplexity: number;
  /** Competition ranking, lowest average first; ties share a rank (1, 2, 2, 4). */
  rank: number;
}

export interface SeriesScores {
  standings: SeriesStanding[];
  /** Per word: the mean loss over the standing students (their [BM4] loss where they skipped). */
  classLossesBits: number[];
  classAverage: { bits: number; perplexity: number } | null;
  modelAverage: { bits: number; perplexity: number } | null;
}

/** Averages within this of each other are a tie ([BM5]): float sums of the same losses may differ in the last bits. */
export const TIE_TOLERANCE_BITS = 1e-9;

/**
 * [BM4]–[BM5] The series so far: every student who answered at least one revealed word, with skipped
 * words at the uniform loss; the class's per-word mean; the averages and perplexities; the ranking.
 */
export function seriesScores(
  words: readonly ScoredWord[],
  order: (a: string, b: string) => number,
): SeriesScores {
  const who = new Set<string>();
  for (const w of words) for (const id of w.losses.keys()) who.add(id);
  const standings: SeriesStanding[] = [...who].map((participantId) => {
    const lossesBits = words.map((w) => w.losses.get(participantId) ?? skippedLossBits(w.outcomes));
    const { bits, perplexity } = averageLoss(lossesBits);
    const answered = words.filter((w) => w.losses.has(participantId)).length;
    return { participantId, lossesBits, answered, averageBits: bits, perplexity, rank: 0 };
  });
  standings.sort((a, b) =>
    Math.abs(a.averageBits - b.averageBits) <= TIE_TOLERANCE_BITS
      ? order(a.participantId, b.participantId)
      : a.averageBits - b.averageBits,
  );
  standings.forEach((s, i) => {
    const prev = standings[i - 1];
    s.rank = prev && Math.abs(prev.averageBits - s.averageBits) <= TIE_TOLERANCE_BITS ? prev.rank : i + 1;
  });
  const classLossesBits = words.map((_, i) =>
    standings.length ? standings.reduce((s, st) => s + st.lossesBits[i]!, 0) / standings.length : NaN,
  );
  return {
    standings,
    classLossesBits,
    classAverage: standings.length && words.length ? averageLoss(classLossesBits) : null,
    modelAverage: words.length ? averageLoss(words.map((w) => w.modelLossBits)) : null,
  };
}
