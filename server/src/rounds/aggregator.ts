/**
 * The live statistics of one round (pure: no sockets, no storage, no clock of its own).
 * Every accepted sample is added exactly once; `stats()` is called on a timer, never per sample.
 */
import { entropyBits, expectedEmpiricalKlBits, type TokenDistribution } from "@tokenroom/shared";
import type { KlPoint, RoundStats, TheoryView } from "@tokenroom/shared";
import { CounterKl, topByCount } from "./counter-kl.ts";

export interface AggregatorOptions {
  roundId: string;
  /** The exact first-token distribution under the round's settings. */
  theoryFirst: TokenDistribution;
  label: (id: number) => string;
  completionLabel: (ids: readonly number[]) => string;
  /** Most history points kept for the KL-vs-N chart. */
  maxHistory?: number;
}

export interface AcceptedSample {
  participantId: string;
  tokens: readonly number[];
  /** ln P(completion | prompt) under the round's settings (chain rule). */
  logProb: number;
}

const LN2 = Math.LN2;
const RATE_WINDOW_MS = 5_000;

export class RoundAggregator {
  readonly roundId: string;
  private readonly first = new CounterKl<number>();
  private readonly completions = new CounterKl<string>();
  private readonly completionInfo = new Map<string, { tokens: readonly number[]; logProb: number }>();
  private readonly theoryP = new Map<number, number>();
  private readonly contributors = new Set<string>();
  private readonly theoryEntropy: number;
  private readonly support: number;
  private tokenTotal = 0;
  private sumNegLog2PCompletion = 0;
  private readonly arrivals: { at: number; n: number }[] = [];
  private readonly history: KlPoint[] = [];
  private readonly maxHistory: number;

  constructor(private readonly options: AggregatorOptions) {
    this.roundId = options.roundId;
    const { ids, probs } = options.theoryFirst;
    for (let i = 0; i < ids.length; i++) this.theoryP.set(ids[i]!, probs[i]!);
    this.theoryEntropy = entropyBits(probs);
    this.support = ids.length;
    this.maxHistory = options.maxHistory ?? 400;
  }

  get n(): number {
    return this.first.n;
  }

  /** Counts one accepted sample. The caller guarantees it was never counted before. */
  add(sample: AcceptedSample, now?: number): void {
    const firstToken = sample.tokens[0]!;
    const q = this.theoryP.get(firstToken) ?? 0;
    this.first.add(firstToken, Math.log2(q));
    const key = sample.tokens.join(",");
    if (!this.completionInfo.has(key)) this.completionInfo.set(key, { tokens: sample.tokens.slice(), logProb: sample.logProb });
    this.completions.add(key, sample.logProb / LN2);
    this.tokenTotal += sample.tokens.length;
    this.sumNegLog2PCompletion += -sample.logProb / LN2;
    this.contributors.add(sample.participantId);
    if (now !== undefined) this.noteArrivals(now, 1);
  }

  private noteArrivals(now: number, n: number): void {
    const last = this.arrivals[this.arrivals.length - 1];
    if (last && now - last.at < 250) last.n += n;
    else this.arrivals.push({ at: now, n });
    while (this.arrivals.length > 0 && now - this.arrivals[0]!.at > RATE_WINDOW_MS) this.arrivals.shift();
  }

  samplesPerSecond(now: number): number {
    while (this.arrivals.length > 0 && now - this.arrivals[0]!.at > RATE_WINDOW_MS) this.arrivals.shift();
    const total = this.arrivals.reduce((s, a) => s + a.n, 0);
    return total / (RATE_WINDOW_MS / 1000);
  }

  /** Records a KL-vs-N point when N moved enough since the last one (log-spaced, bounded). */
  recordHistory(): KlPoint | null {
    const n = this.n;
    const last = this.history[this.history.length - 1];
    if (n === 0 || (last && (n === last.n || n < last.n * 1.02))) return null;
    const point = { n, firstKlBits: this.first.klBits(), completionKlBits: this.completions.klBits() };
    this.history.push(point);
    if (this.history.length > this.maxHistory) {
      // keep the first point and every other one after it: the curve stays log-spaced
      const kept = this.history.filter((_, i) => i === 0 || i % 2 === 1 || i === this.history.length - 1);
      this.history.splice(0, this.history.length, ...kept);
    }
    return point;
  }

  getHistory(): KlPoint[] {
    return this.history.slice();
  }

  /** Statistics; `withTheory` false hides everything derived from the theory (students before the reveal). */
  stats(now: number, withTheory: boolean): RoundStats {
    const n = this.n;
    const hide = <T>(v: T): T | null => (withTheory ? v : null);
    const firstTop = topByCount(this.first.counts, 30);
    const shown = firstTop.reduce((s, [, c]) => s + c, 0);
    const ce = this.first.crossEntropyBits();
    const perTokenCe = this.tokenTotal > 0 ? this.sumNegLog2PCompletion / this.tokenTotal : 0;
    return {
      roundId: this.roundId,
      n,
      tokens: this.tokenTotal,
      contributors: this.contributors.size,
      samplesPerSecond: this.samplesPerSecond(now),
      firstToken: {
        counts: firstTop.map(([id, count]) => ({ id, token: this.options.label(id), count })),
        otherCount: n - shown,
        distinct: this.first.distinct,
        klBits: hide(this.first.klBits()),
        expectedKlBits: hide(n > 0 ? expectedEmpiricalKlBits(this.support, n) : null),
        entropyBits: hide(this.theoryEntropy),
        crossEntropyBits: hide(n > 0 ? ce : null),
        perplexity: hide(n > 0 ? 2 ** ce : null),
      },
      completions: {
        top: topByCount(this.completions.counts, 12).map(([key, count]) => {
          const info = this.completionInfo.get(key)!;
          return {
            tokens: info.tokens.slice(),
            text: this.options.completionLabel(info.tokens),
            count,
            p: withTheory ? Math.exp(info.logProb) : null,
          };
        }),
        distinct: this.completions.distinct,
        klBits: hide(this.completions.klBits()),
        crossEntropyBitsPerToken: hide(n > 0 ? perTokenCe : null),
        perplexityPerToken: hide(n > 0 ? 2 ** perTokenCe : null),
      },
    };
  }
}

/** The theory view shown to the host from the start and to students after the reveal. */
export function theoryView(roundId: string, dist: TokenDistribution, label: (id: number) => string): TheoryView {
  const top: TheoryView["top"] = [];
  let shown = 0;
  for (let i = 0; i < dist.ids.length && i < 30; i++) {
    top.push({ id: dist.ids[i]!, token: label(dist.ids[i]!), p: dist.probs[i]! });
    shown += dist.probs[i]!;
  }
  return { roundId, top, otherP: Math.max(0, 1 - shown), support: dist.ids.length, entropyBits: entropyBits(dist.probs) };
}
