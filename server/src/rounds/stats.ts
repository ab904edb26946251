/**
 * Statistics from counters. The counters are kept in memory (one process) or in Redis (several);
 * this is the one place that turns them into what the class sees. All in bits ([EMP4], shared/SPEC.md):
 *   KL(empirical ‖ theory) = S_clogc / N − log2 N − S_logq / N,  where S_clogc = Σ_x c_x log2 c_x
 *   and S_logq = Σ_samples log2 q(sample);  cross-entropy = −S_logq / N, entropy = log2 N − S_clogc / N.
 */
import { LRUCache } from "lru-cache";
import { expectedEmpiricalKlBits, expectedEmpiricalKlExactBits, type RoundStats } from "@tokenroom/shared";

const expectedCache = new WeakMap<Float64Array, LRUCache<number, number>>();

/** [EKL2] for the theory at n, memoised per theory (the same n is asked for by every view of a tick). */
export function expectedKlAt(probs: Float64Array, n: number): number {
  let cache = expectedCache.get(probs);
  if (!cache) expectedCache.set(probs, (cache = new LRUCache<number, number>({ max: 256 })));
  let v = cache.get(n);
  if (v === undefined) {
    v = expectedEmpiricalKlExactBits(probs, n);
    cache.set(n, v);
  }
  return v;
}

export interface KlSums {
  n: number;
  /** Σ over outcomes of c log2 c. */
  sumCLogC: number;
  /** Σ over samples of log2 q(sample). */
  sumLogQ: number;
}

export interface RoundCounters {
  n: number;
  tokens: number;
  contributors: number;
  /** Σ over samples of −log2 p(completion). */
  sumNegLog2P: number;
  first: KlSums & { counts: [number, number][]; distinct: number };
  completions: KlSums & { distinct: number; top: { tokens: number[]; count: number; logProb: number }[] };
}

export interface TheoryContext {
  roundId: string;
  /** The exact first-token distribution's probabilities (for the exact expected KL by chance; without
   * them the first-order approximation stands in). */
  probs?: Float64Array;
  entropyBits: number;
  support: number;
  label: (id: number) => string;
  completionLabel: (ids: readonly number[]) => string;
}

/**
 * [EMP4] KL(empirical ‖ theory) in bits from the sums: cross-entropy − entropy; 0 before any sample, clamped
 * at 0 against rounding. The one implementation: memory, Redis and the review's SQL only keep the sums.
 */
export function klFromSums(s: KlSums): number {
  if (s.n === 0) return 0;
  return Math.max(0, s.sumCLogC / s.n - Math.log2(s.n) - s.sumLogQ / s.n);
}

/** c log2 c, with 0 log 0 = 0. */
export const cLogC = (c: number): number => (c > 0 ? c * Math.log2(c) : 0);

const TOP_FIRST = 30;

export function buildStats(
  c: RoundCounters,
  t: TheoryContext,
  withTheory: boolean,
  samplesPerSecond: number,
): RoundStats {
  const n = c.n;
  const hide = <T>(v: T): T | null => (withTheory ? v : null);
  const first = [...c.first.counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, TOP_FIRST);
  const shown = first.reduce((s, [, k]) => s + k, 0);
  const ce = n > 0 ? -c.first.sumLogQ / n : 0;
  const perToken = c.tokens > 0 ? c.sumNegLog2P / c.tokens : 0;
  return {
    roundId: t.roundId,
    n,
    tokens: c.tokens,
    contributors: c.contributors,
    samplesPerSecond,
    firstToken: {
      counts: first.map(([id, count]) => ({ id, token: t.label(id), count })),
      otherCount: n - shown,
      distinct: c.first.distinct,
      klBits: hide(klFromSums(c.first)),
      expectedKlBits: hide(
        n > 0 ? (t.probs ? expectedKlAt(t.probs, n) : expectedEmpiricalKlBits(t.support, n)) : null,
      ),
      expectedKlFirstOrderBits: hide(n > 0 ? expectedEmpiricalKlBits(t.support, n) : null),
      entropyBits: hide(t.entropyBits),
      crossEntropyBits: hide(n > 0 ? ce : null),
      perplexity: hide(n > 0 ? 2 ** ce : null),
    },
    completions: {
      top: c.completions.top.map((x) => ({
        tokens: x.tokens,
        text: t.completionLabel(x.tokens),
        count: x.count,
        p: withTheory ? Math.exp(x.logProb) : null,
      })),
      distinct: c.completions.distinct,
      klBits: hide(klFromSums(c.completions)),
      crossEntropyBitsPerToken: hide(n > 0 ? perToken : null),
      perplexityPerToken: hide(n > 0 ? 2 ** perToken : null),
    },
  };
}
