/**
 * A stored round's review: the live statistics rebuilt from SQL aggregates with the very functions the
 * live round used (rounds/stats.ts), and the KL-vs-N curve replayed from the samples in insertion order.
 *   first tokens:  Σ c log2 c and Σ log2 q = Σ_x c_x log2 q_x from the counts per bucket (GROUP BY)
 *   completions:   Σ c log2 c = (Σ c ln c) / ln 2 from the replay, Σ log2 q = Σ log_prob / ln 2
 */
import {
  completionLabel,
  decodingOf,
  expectedEmpiricalKlBits,
  type LanguageModel,
  REVIEW_LIMITS,
  type ReviewKlPoint,
  type ReviewRound,
  tokenLabel,
} from "@tokenroom/shared";
import type { ModelRegistry } from "../models/registry.ts";
import { withModelView } from "../rounds/theory.ts";
import { buildStats, cLogC, expectedKlAt, klFromSums, type RoundCounters } from "../rounds/stats.ts";
import type { PrismaClient } from "../generated/prisma/index.js";
import { type Replay, RoundQueries } from "../store/review-rounds.ts";
import { type RoundRow, RoundStore } from "../store/rounds.ts";
import { isoOrNull } from "../store/review-sessions.ts";

const LN2 = Math.LN2;

/** The round's model when this server has it with the same hash (else texts and off-snapshot q are unknown). */
export async function roundModel(round: RoundRow, registry: ModelRegistry): Promise<LanguageModel | null> {
  const entry = await registry.resolve(round.modelId); // a custom model may have left the model cache
  return entry && entry.model.hash === round.modelHash ? entry.model : null;
}

/** Completion text as the live round showed it; "" when the model is missing or the ids do not fit it. */
export function completionText(model: LanguageModel | null, tokens: readonly number[]): string {
  if (!model) return "";
  try {
    return completionLabel(model, tokens);
  } catch {
    return "";
  }
}

/**
 * The first-token theory: q of every token, and the full distribution for the exact expected KL. With
 * the model: its distribution under the round's settings (the very numbers the live round used). Without:
 * the stored snapshot's top 30 (the full distribution only when that covers the support).
 */
export function firstTokenTheory(
  round: RoundRow,
  model: LanguageModel | null,
  registry: ModelRegistry,
): { q: Map<number, number>; probs: Float64Array | undefined } {
  if (model) {
    const settings = decodingOf(round);
    const dist = registry.decoder(model, settings).distribution(round.promptTokens);
    return { q: new Map(Array.from(dist.ids, (id, i) => [id, dist.probs[i]!])), probs: dist.probs };
  }
  const q = new Map(round.theory.top.map((t) => [t.id, t.p]));
  const complete = round.theory.top.length >= round.theory.support;
  return { q, probs: complete ? Float64Array.from(round.theory.top, (t) => t.p) : undefined };
}

export interface RoundInputs {
  round: RoundRow;
  model: LanguageModel | null;
  replay: Replay | undefined;
  contributors: number;
  q: Map<number, number>;
  probs: Float64Array | undefined;
  guesses: number;
}

interface Replayed {
  n: number;
  tokens: number;
  sumLogProb: number;
  firstAt: Date | null;
  lastAt: Date | null;
  /** Final count of every first token. */
  first: Map<number, number>;
  /** Σ c ln c over completions and their number, at N. */
  completionCLnC: number;
  distinct: number;
  curve: { n: number; firstKlBits: number | null; completionKlBits: number }[];
}

/**
 * Adds the buckets up in order: at the end of each, the running sums are those of the first N samples,
 * and KL follows from them. First tokens: Σ c log2 c grows by (C+c) log2(C+c) − C log2 C per token and
 * bucket; Σ log2 q by c log2 q. A first token without a known q leaves the first-token KL null.
 */
function replayed(replay: Replay | undefined, q: Map<number, number>): Replayed {
  const r: Replayed = {
    ...{ n: 0, tokens: 0, sumLogProb: 0, firstAt: null, lastAt: null, first: new Map<number, number>() },
    ...{ completionCLnC: 0, distinct: 0, curve: [] },
  };
  let firstCLogC = 0;
  let firstLog2Q = 0;
  for (const b of replay?.buckets ?? []) {
    r.n += b.count;
    if (r.n !== b.last) throw new Error(`replay out of order: ${r.n} samples at N = ${b.last}`);
    r.tokens += b.tokens;
    r.sumLogProb += b.sumLogProb;
    r.completionCLnC += b.completionCLnC;
    r.distinct += b.newCompletions;
    r.firstAt ??= b.firstAt;
    r.lastAt = b.lastAt;
    for (const [id, c] of b.first) {
      const before = r.first.get(id) ?? 0;
      r.first.set(id, before + c);
      firstCLogC += cLogC(before + c) - cLogC(before);
      firstLog2Q += c * Math.log2(q.get(id) ?? 0);
    }
    const firstKl = klFromSums({ n: r.n, sumCLogC: firstCLogC, sumLogQ: firstLog2Q });
    r.curve.push({
      n: r.n,
      firstKlBits: Number.isFinite(firstKl) ? firstKl : null,
      completionKlBits: klFromSums({ n: r.n, sumCLogC: r.completionCLnC / LN2, sumLogQ: r.sumLogProb / LN2 }),
    });
  }
  return r;
}

/**
 * Which of the curve's points (their N ascending) carry the exact expected KL: for `max` targets log-spaced
 * from the first N to the last, the first point at or after each; the first and the last always.
 */
export function exactKlPoints(ns: readonly number[], max: number): Set<number> {
  const out = new Set<number>();
  if (ns.length === 0 || max < 1) return out;
  const first = Math.max(1, ns[0]!);
  const last = Math.max(first, ns[ns.length - 1]!);
  const steps = Math.max(1, max - 1);
  let j = 0;
  for (let t = 0; t <= steps && out.size < max; t++) {
    const target = first * (last / first) ** (t / steps);
    while (j < ns.length - 1 && ns[j]! < target * (1 - 1e-9)) j++;
    out.add(j);
  }
  out.add(0);
  out.add(ns.length - 1);
  return out;
}

export function buildRoundReview(x: RoundInputs): ReviewRound {
  const { round, model } = x;
  const r = replayed(x.replay, x.q);
  const n = r.n;
  const first = [...r.first];
  const firstExact = first.every(([id]) => (x.q.get(id) ?? 0) > 0);
  const counters: RoundCounters = {
    n,
    tokens: r.tokens,
    contributors: x.contributors,
    sumNegLog2P: -r.sumLogProb / LN2,
    first: {
      n,
      sumCLogC: first.reduce((s, [, c]) => s + cLogC(c), 0),
      sumLogQ: firstExact ? first.reduce((s, [id, c]) => s + c * Math.log2(x.q.get(id)!), 0) : 0,
      counts: first,
      distinct: first.length,
    },
    completions: {
      n,
      sumCLogC: r.completionCLnC / LN2,
      sumLogQ: r.sumLogProb / LN2,
      distinct: r.distinct,
      top: x.replay?.top ?? [],
    },
  };
  const snapshotLabel = new Map(round.theory.top.map((e) => [e.id, e.token]));
  const label = (id: number): string => {
    try {
      if (model) return tokenLabel(model, id);
    } catch {
      // an id outside the vocabulary: fall back to the snapshot or the number
    }
    return snapshotLabel.get(id) ?? `#${id}`;
  };
  const seconds = r.firstAt && r.lastAt ? (r.lastAt.getTime() - r.firstAt.getTime()) / 1000 : 0;
  const stats = buildStats(
    counters,
    {
      roundId: round.id,
      probs: x.probs,
      entropyBits: round.theory.entropyBits,
      support: round.theory.support,
      label,
      completionLabel: (ids) => completionText(model, ids),
    },
    true,
    seconds > 0 ? n / seconds : 0,
  );
  if (!firstExact) {
    stats.firstToken.klBits = null;
    stats.firstToken.crossEntropyBits = null;
    stats.firstToken.perplexity = null;
  }
  const probs = x.probs;
  const exact = exactKlPoints(
    r.curve.map((p) => p.n),
    REVIEW_LIMITS.klExpectedPoints,
  );
  return {
    ...roundFields(round, model),
    modelAvailable: model !== null,
    firstSampleAt: isoOrNull(r.firstAt),
    lastSampleAt: isoOrNull(r.lastAt),
    stats,
    klCurve: r.curve.map((p, i): ReviewKlPoint => ({
      ...p,
      firstKlBits: firstExact ? p.firstKlBits : null,
      expectedKlFirstOrderBits: expectedEmpiricalKlBits(round.theory.support, p.n),
      expectedKlBits: probs && exact.has(i) ? expectedKlAt(probs, p.n) : null,
    })),
    guesses: x.guesses,
  };
}

/**
 * A stored round's own fields, as the review and the JSON export show them; the theory gets the model's own
 * distribution beside the sampler's ([MS1]) from the model when it was stored without it.
 */
export function roundFields(round: RoundRow, model: LanguageModel | null) {
  const settings = decodingOf(round);
  return {
    id: round.id,
    seq: round.seq,
    modelId: round.modelId,
    modelHash: round.modelHash,
    prompt: round.prompt,
    promptTokens: round.promptTokens,
    ...decodingOf(round),
    maxTokens: round.maxTokens,
    mode: round.mode,
    showClassChart: round.showClassChart,
    hideUntilReveal: round.hideUntilReveal,
    seed: round.seed,
    candidates: round.candidates,
    startedAt: round.startedAt.toISOString(),
    revealedAt: isoOrNull(round.revealedAt),
    guessLockedAt: isoOrNull(round.guessLockedAt),
    closedAt: isoOrNull(round.closedAt),
    theory: withModelView(round.theory, model, round.promptTokens, settings),
  };
}

/**
 * Every round of a session, reviewed: the counts and one replay statement for all rounds, read in one
 * REPEATABLE READ transaction (a round still receiving samples is reviewed as one snapshot).
 */
export async function reviewRounds(
  prisma: PrismaClient,
  registry: ModelRegistry,
  sessionId: string,
): Promise<ReviewRound[]> {
  const queries = new RoundQueries(prisma);
  const rounds = await new RoundStore(prisma).sessionRounds(sessionId);
  if (rounds.length === 0) return [];
  const ids = rounds.map((r) => r.id);
  const [{ counts, replays }, guesses] = await Promise.all([
    prisma.$transaction(
      async (tx) => {
        const snapshot = new RoundQueries(tx);
        const counts = await snapshot.counts(ids);
        const n = new Map(ids.map((id) => [id, counts.get(id)?.n ?? 0]));
        const replays = await snapshot.replay(n, REVIEW_LIMITS.topCompletions, REVIEW_LIMITS.klCurvePoints);
        return { counts, replays };
      },
      { isolationLevel: "RepeatableRead", maxWait: 10_000, timeout: 120_000 },
    ),
    queries.guessCounts(ids),
  ]);
  const roundModels = await Promise.all(rounds.map((round) => roundModel(round, registry)));
  return rounds.map((round, i) => {
    const model = roundModels[i]!;
    // the name the host picked it by (the same hash only: another model under the id is not this round's)
    const entry = model ? registry.cached(round.modelId) : undefined;
    const modelName = entry && entry.model.hash === round.modelHash ? { modelName: entry.summary.name } : {};
    return {
      ...modelName,
      ...buildRoundReview({
        round,
        model,
        ...firstTokenTheory(round, model, registry),
        replay: replays.get(round.id),
        contributors: counts.get(round.id)?.contributors ?? 0,
        guesses: guesses.get(round.id) ?? 0,
      }),
    };
  });
}
