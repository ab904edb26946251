import { describe, expect, it } from "vitest";
import {
  createRng,
  createToyModel,
  Decoder,
  empiricalKlBits,
  entropyBits,
  expectedEmpiricalKlBits,
  expectedEmpiricalKlExactBits,
  generate,
  sequenceLogProb,
  tokenLabel,
} from "@tokenroom/shared";
import { historyMoved, KlHistory, RoundAggregator, thinHistory } from "./aggregator.ts";
import { topByCount } from "./counter-kl.ts";
import { klFromSums } from "./stats.ts";

const model = createToyModel();
const settings = { temperature: 1, topK: 0, topP: 1 };
const prompt = [4]; // "the"

function setup() {
  const decoder = new Decoder(model, settings);
  const theory = decoder.distribution(prompt);
  const agg = new RoundAggregator(
    {
      roundId: "r",
      probs: theory.probs,
      entropyBits: entropyBits(theory.probs),
      support: theory.ids.length,
      label: (id) => tokenLabel(model, id),
      completionLabel: (ids) => ids.join(" "),
    },
    theory,
  );
  return { decoder, theory, agg };
}

describe("RoundAggregator", () => {
  it("matches a naive recomputation of every statistic", () => {
    const { decoder, theory, agg } = setup();
    const samples = Array.from({ length: 2000 }, (_, i) =>
      generate(model, prompt, settings, createRng(7, i), 3, decoder),
    );
    samples.forEach((g, i) =>
      agg.add({
        participantId: `p${i % 17}`,
        index: i,
        tokens: g.tokens,
        logProb: g.probs.reduce((s, p) => s + Math.log(p), 0),
      }),
    );
    const s = agg.stats(0, true);

    const firstCounts = new Map<number, number>();
    const compCounts = new Map<string, number>();
    for (const g of samples) {
      firstCounts.set(g.tokens[0]!, (firstCounts.get(g.tokens[0]!) ?? 0) + 1);
      compCounts.set(g.tokens.join(","), (compCounts.get(g.tokens.join(",")) ?? 0) + 1);
    }
    const q = (id: number) => theory.probs[theory.ids.indexOf(id)]!;
    const qc = (key: string) =>
      Math.exp(sequenceLogProb(model, prompt, key.split(",").map(Number), settings));
    expect(s.n).toBe(2000);
    expect(s.contributors).toBe(17);
    expect(s.tokens).toBe(6000);
    expect(s.firstToken.klBits!).toBeCloseTo(empiricalKlBits(firstCounts, q), 10);
    expect(s.completions.klBits!).toBeCloseTo(empiricalKlBits(compCounts, qc), 10);
    const ce = samples.reduce((sum, g) => sum - Math.log2(q(g.tokens[0]!)), 0) / 2000;
    expect(s.firstToken.crossEntropyBits!).toBeCloseTo(ce, 10);
    expect(s.firstToken.perplexity!).toBeCloseTo(2 ** ce, 8);
    expect(s.firstToken.expectedKlFirstOrderBits).toBeCloseTo(
      expectedEmpiricalKlBits(theory.ids.length, 2000),
      12,
    );
    expect(s.firstToken.expectedKlBits).toBeCloseTo(expectedEmpiricalKlExactBits(theory.probs, 2000), 12);
    expect(s.firstToken.entropyBits).toBeCloseTo(entropyBits(theory.probs), 12);
    const perToken =
      samples.reduce((sum, g) => sum - g.probs.reduce((a, p) => a + Math.log2(p), 0), 0) / 6000;
    expect(s.completions.crossEntropyBitsPerToken!).toBeCloseTo(perToken, 10);
    expect(s.completions.distinct).toBe(compCounts.size);
    expect(s.completions.top[0]!.count).toBe(Math.max(...compCounts.values()));
    expect(s.completions.top[0]!.p).toBeCloseTo(qc(s.completions.top[0]!.tokens.join(",")), 12);
    expect(s.firstToken.counts.reduce((a, c) => a + c.count, 0) + s.firstToken.otherCount).toBe(2000);
  });

  it("hides everything derived from the theory when asked", () => {
    const { agg } = setup();
    agg.add({ participantId: "p", index: 0, tokens: [3, 0, 4], logProb: Math.log(0.1) });
    const s = agg.stats(0, false);
    expect([
      s.firstToken.klBits,
      s.firstToken.entropyBits,
      s.firstToken.crossEntropyBits,
      s.completions.klBits,
      s.completions.top[0]!.p,
    ]).toEqual([null, null, null, null, null]);
    expect(s.n).toBe(1);
  });

  it("gives KL 0 before any sample and never a negative KL", () => {
    expect(klFromSums({ n: 0, sumCLogC: 0, sumLogQ: 0 })).toBe(0);
    // one outcome with q = 1: KL is exactly 0 even with rounding
    expect(klFromSums({ n: 3, sumCLogC: 3 * Math.log2(3), sumLogQ: 0 })).toBe(0);
  });

  it("measures the rate over a sliding window", () => {
    const { agg } = setup();
    for (let t = 0; t < 5000; t += 100)
      agg.add({ participantId: "p", index: t, tokens: [3, 0, 4], logProb: -1 }, t);
    expect(agg.rate.perSecond(5000)).toBeCloseTo(10, 0);
    expect(agg.rate.perSecond(20_000)).toBe(0);
  });
});

describe("topByCount and KlHistory", () => {
  it("keeps the k largest counts in order", () => {
    const m = new Map([
      ["a", 1],
      ["b", 5],
      ["c", 3],
      ["d", 5],
      ["e", 0],
    ]);
    expect(topByCount(m, 3)).toEqual([
      ["b", 5],
      ["d", 5],
      ["c", 3],
    ]);
  });

  it("agrees with a stable sort by count on random maps (ties: first seen first)", () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let trial = 0; trial < 200; trial++) {
      const m = new Map<string, number>();
      const size = random(60);
      for (let i = 0; i < size; i++) m.set(`k${i}`, random(8));
      const k = random(15);
      // Array.prototype.sort is stable: equal counts keep the map's order
      const naive = [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
      expect(topByCount(m, k)).toEqual(naive);
    }
  });

  it("records log-spaced points and stays bounded", () => {
    const h = new KlHistory(50);
    for (let n = 1; n <= 100_000; n++) h.record(n, 1 / n, 2 / n);
    const pts = h.list();
    expect(pts.length).toBeLessThanOrEqual(51);
    expect(pts[0]!.n).toBe(1);
    expect(pts.every((p, i) => i === 0 || p.n > pts[i - 1]!.n)).toBe(true);
  });

  it("records a point when N moved at least 2% (the rule the Redis hub shares)", () => {
    expect(historyMoved(0, 0)).toBe(false);
    expect(historyMoved(0, 1)).toBe(true);
    expect(historyMoved(50, 50)).toBe(false);
    expect(historyMoved(50, 51)).toBe(true); // 51 ≥ 50 × 1.02
    expect(historyMoved(100, 101)).toBe(false); // 101 < 102
    expect(historyMoved(100, 102)).toBe(true);
  });

  it("thins by keeping the first, the last and every other point", () => {
    expect(thinHistory([0, 1, 2, 3, 4, 5, 6])).toEqual([0, 1, 3, 5, 6]);
    expect(thinHistory([0, 1, 2, 3, 4, 5])).toEqual([0, 1, 3, 5]);
  });
});
