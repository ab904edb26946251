/**
 * The live counters of one round in memory (pure: no sockets, no storage, no clock of its own).
 * Every accepted sample is added exactly once; statistics are built on a timer, never per sample.
 */
import { type KlPoint, type RoundStats, type TheoryView, type TokenDistribution } from "@tokenroom/shared";
import { CounterKl, topByCount } from "./counter-kl.ts";
import { distributionView } from "./theory.ts";
import { buildStats, expectedKlAt, klFromSums, type RoundCounters, type TheoryContext } from "./stats.ts";

export interface AcceptedSample {
  participantId: string;
  /** The sample's index in the participant's seed stream: (participant, index) identifies it. */
  index: number;
  tokens: readonly number[];
  /** ln P(completion | prompt) under the round's settings (chain rule). */
  logProb: number;
}

const LN2 = Math.LN2;

/**
 * The KL-vs-N history's one rule, kept in memory here (KlHistory) and in Redis by scale/redis-stats-hub.ts: a
 * point whenever N moved at least 2% since the last one (log-spaced), at most KL_HISTORY_MAX points; beyond
 * that the first, the last and every other point are kept, so the curve keeps its start and stays log-spaced.
 */
export const KL_HISTORY_MAX = 400;

/** Whether N moved enough since the last recorded point (lastN 0: none yet) for a new one. */
export const historyMoved = (lastN: number, n: number): boolean => n > 0 && n !== lastN && n >= lastN * 1.02;

/** The history's points once it is over KL_HISTORY_MAX: the first, the last and every other one. */
export const thinHistory = <T>(points: readonly T[]): T[] =>
  points.filter((_, i) => i === 0 || i % 2 === 1 || i === points.length - 1);

/** A log-spaced, bounded KL-vs-N history for the chart. */
export class KlHistory {
  private points: KlPoint[] = [];
  constructor(private readonly max = KL_HISTORY_MAX) {}

  /** Records a point when N moved at least 2% since the last one; returns it, or null. */
  record(n: number, firstKlBits: number, completionKlBits: number): KlPoint | null {
    if (!historyMoved(this.points[this.points.length - 1]?.n ?? 0, n)) return null;
    const point = { n, firstKlBits, completionKlBits };
    this.points.push(point);
    if (this.points.length > this.max) this.points = thinHistory(this.points);
    return point;
  }

  list(): KlPoint[] {
    return this.points.slice();
  }
}

/** Samples per second over a sliding window of a few seconds. */
export class RateMeter {
  private readonly arrivals: { at: number; n: number }[] = [];
  constructor(private readonly windowMs = 5_000) {}

  note(now: number, n: number): void {
    const last = this.arrivals[this.arrivals.length - 1];
    if (last && now - last.at < 250) last.n += n;
    else this.arrivals.push({ at: now, n });
    this.trim(now);
  }

  perSecond(now: number): number {
    this.trim(now);
    return this.arrivals.reduce((s, a) => s + a.n, 0) / (this.windowMs / 1000);
  }

  private trim(now: number): void {
    while (this.arrivals.length > 0 && now - this.arrivals[0]!.at > this.windowMs) this.arrivals.shift();
  }
}

export class RoundAggregator {
  readonly first = new CounterKl<number>();
  readonly completions = new CounterKl<string>();
  private readonly logProbOf = new Map<string, number>();
  private readonly theoryP = new Map<number, number>();
  private readonly contributors = new Set<string>();
  private tokens = 0;
  private sumNegLog2P = 0;
  readonly rate = new RateMeter();
  readonly history = new KlHistory();

  constructor(
    readonly theory: TheoryContext,
    private readonly theoryFirst: TokenDistribution,
  ) {
    const { ids, probs } = theoryFirst;
    for (let i = 0; i < ids.length; i++) this.theoryP.set(ids[i]!, probs[i]!);
  }

  /** An empty aggregator for the same round (same theory). */
  emptyCopy(): RoundAggregator {
    return new RoundAggregator(this.theory, this.theoryFirst);
  }

  get n(): number {
    return this.first.n;
  }

  /** log2 q(first token) under the theory. */
  firstLog2Q(token: number): number {
    return Math.log2(this.theoryP.get(token) ?? 0);
  }

  /** Counts one accepted sample. The caller guarantees it was never counted before. */
  add(sample: AcceptedSample, now?: number): void {
    const firstToken = sample.tokens[0]!;
    this.first.add(firstToken, this.firstLog2Q(firstToken));
    const key = sample.tokens.join(",");
    if (!this.logProbOf.has(key)) this.logProbOf.set(key, sample.logProb);
    this.completions.add(key, sample.logProb / LN2);
    this.tokens += sample.tokens.length;
    this.sumNegLog2P += -sample.logProb / LN2;
    this.contributors.add(sample.participantId);
    if (now !== undefined) this.rate.note(now, 1);
  }

  counters(): RoundCounters {
    return {
      n: this.n,
      tokens: this.tokens,
      contributors: this.contributors.size,
      sumNegLog2P: this.sumNegLog2P,
      first: { ...this.first.sums(), counts: [...this.first.counts], distinct: this.first.distinct },
      completions: {
        ...this.completions.sums(),
        distinct: this.completions.distinct,
        top: topByCount(this.completions.counts, 12).map(([key, count]) => ({
          tokens: key.split(",").map(Number),
          count,
          logProb: this.logProbOf.get(key)!,
        })),
      },
    };
  }

  recordHistory(): KlPoint | null {
    const point = this.history.record(
      this.n,
      klFromSums(this.first.sums()),
      klFromSums(this.completions.sums()),
    );
    if (point && this.theory.probs) point.expectedKlBits = expectedKlAt(this.theory.probs, point.n);
    return point;
  }

  getHistory(): KlPoint[] {
    return this.history.list();
  }

  /** Statistics; `withTheory` false hides everything derived from the theory (students before the reveal). */
  stats(now: number, withTheory: boolean): RoundStats {
    return buildStats(this.counters(), this.theory, withTheory, this.rate.perSecond(now));
  }
}

/** The theory view shown to the host from the start and to students after the reveal (sampler only). */
export function theoryView(
  roundId: string,
  dist: TokenDistribution,
  label: (id: number) => string,
): TheoryView {
  return { roundId, ...distributionView(dist, label) };
}
