import { describe, expect, it } from "vitest";
import {
  crossEntropyBits,
  empiricalCrossEntropyBits,
  empiricalEntropyBits,
  empiricalKlBits,
  entropyBits,
  expectedEmpiricalKlBits,
  klDivergenceBits,
  logScoreBits,
  perplexity,
} from "./info.ts";
import { createRng } from "./prng.ts";

/** Naive references written straight from the definitions (natural logs, converted to bits at the end). */
const naive = {
  entropy: (p: number[]) => -p.filter((x) => x > 0).reduce((a, x) => a + x * Math.log(x), 0) / Math.LN2,
  crossEntropy: (p: number[], q: number[]) =>
    -p.reduce((a, x, i) => (x > 0 ? a + x * Math.log(q[i]!) : a), 0) / Math.LN2,
  kl: (p: number[], q: number[]) =>
    p.reduce((a, x, i) => (x > 0 ? a + x * Math.log(x / q[i]!) : a), 0) / Math.LN2,
};

/** Random distributions of the same size with some zero entries, from a fixed seed. */
function randomPairs(seed: number, count: number): [number[], number[]][] {
  const rng = createRng(seed);
  const randomDist = (n: number, zeros: boolean) => {
    const w: number[] = Array.from({ length: n }, () => (zeros && rng.next() < 0.25 ? 0 : rng.next() + 1e-3));
    if (!w.some((x) => x > 0)) w[0] = 1;
    const s = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / s);
  };
  return Array.from({ length: count }, () => {
    const n = 1 + Math.floor(rng.next() * 10);
    return [randomDist(n, true), randomDist(n, false)];
  });
}

describe("info (bits)", () => {
  it("[H1] entropy: hand values and the naive definition", () => {
    expect(entropyBits([0.5, 0.5])).toBe(1);
    expect(entropyBits([0.25, 0.25, 0.25, 0.25])).toBe(2);
    expect(entropyBits([1, 0])).toBe(0);
    expect(entropyBits([0.5, 0.25, 0.25])).toBe(1.5);
    for (const [p] of randomPairs(1, 200)) {
      expect(entropyBits(p)).toBeCloseTo(naive.entropy(p), 12);
      expect(entropyBits(p)).toBeGreaterThanOrEqual(0);
      expect(entropyBits(p)).toBeLessThanOrEqual(Math.log2(p.length) + 1e-12);
    }
  });

  it("[CE1] cross-entropy: hand values, zeros, and H(p, q) = H(p) + KL(p ‖ q)", () => {
    expect(crossEntropyBits([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.5 * 2 + 0.5 * Math.log2(4 / 3), 15);
    expect(crossEntropyBits([0, 1], [0, 1])).toBe(0); // p = 0 terms are 0 even where q = 0
    expect(crossEntropyBits([0.5, 0.5], [1, 0])).toBe(Infinity);
    expect(() => crossEntropyBits([1], [0.5, 0.5])).toThrow(RangeError);
    for (const [p, q] of randomPairs(2, 200)) {
      expect(crossEntropyBits(p, q)).toBeCloseTo(naive.crossEntropy(p, q), 12);
      expect(crossEntropyBits(p, q)).toBeCloseTo(entropyBits(p) + klDivergenceBits(p, q), 12);
      expect(crossEntropyBits(p, p)).toBeCloseTo(entropyBits(p), 12);
    }
  });

  it("[KL1] KL divergence: hand values and the naive definition", () => {
    expect(klDivergenceBits([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.5 * 1 + 0.5 * Math.log2(2 / 3), 15);
    expect(klDivergenceBits([1, 0], [0.5, 0.5])).toBe(1);
    for (const [p, q] of randomPairs(3, 200)) expect(klDivergenceBits(p, q)).toBeCloseTo(naive.kl(p, q), 12);
  });

  it("[KL1] KL >= 0, KL(p ‖ p) = 0, and not symmetric", () => {
    for (const [p, q] of randomPairs(4, 300)) {
      expect(klDivergenceBits(p, q)).toBeGreaterThanOrEqual(0);
      expect(klDivergenceBits(p, p)).toBe(0);
    }
    expect(klDivergenceBits([0.9, 0.1], [0.5, 0.5])).not.toBeCloseTo(
      klDivergenceBits([0.5, 0.5], [0.9, 0.1]),
      3,
    );
  });

  it("[KL1] zeros: p = 0 contributes 0; p > 0 with q = 0 is +Infinity; tiny q stays finite", () => {
    expect(klDivergenceBits([0, 1], [0, 1])).toBe(0);
    expect(klDivergenceBits([0, 1], [0.5, 0.5])).toBe(1);
    expect(klDivergenceBits([0.5, 0.5], [1, 0])).toBe(Infinity);
    const tiny = 5e-324; // 1 / tiny overflows; the term is 0.5 · (log2 0.5 − log2 tiny) = 0.5 · (−1 + 1074)
    expect(klDivergenceBits([0.5, 0.5], [1 - tiny, tiny])).toBeCloseTo(0.5 * -1 + 0.5 * 1073, 9);
    expect(() => klDivergenceBits([1], [0.5, 0.5])).toThrow(RangeError);
  });

  it("[PPL1] perplexity = 2^H: uniform over k has perplexity k", () => {
    expect(perplexity(0)).toBe(1);
    expect(perplexity(2)).toBe(4);
    for (const k of [1, 2, 5, 26, 1000])
      expect(perplexity(entropyBits(new Array<number>(k).fill(1 / k)))).toBeCloseTo(k, 9);
  });

  it("[LS1] log score = −log2 q[outcome]; its expectation under p is H(p, q)", () => {
    expect(logScoreBits([0.5, 0.25, 0.25], 1)).toBe(2);
    expect(logScoreBits([1, 0], 0)).toBe(-0);
    expect(logScoreBits([1, 0], 1)).toBe(Infinity);
    for (const bad of [-1, 3, 0.5, Number.NaN])
      expect(() => logScoreBits([0.5, 0.25, 0.25], bad)).toThrow(RangeError);
    for (const [p, q] of randomPairs(5, 100)) {
      const expected = p.reduce((a, pi, i) => (pi > 0 ? a + pi * logScoreBits(q, i) : a), 0);
      expect(expected).toBeCloseTo(crossEntropyBits(p, q), 12);
    }
  });

  it("[EKL1] expected empirical KL = (k − 1) / (2 n ln 2): hand values and a Monte Carlo check", () => {
    expect(expectedEmpiricalKlBits(5, 100_000)).toBeCloseTo(4 / (200_000 * Math.LN2), 18);
    expect(expectedEmpiricalKlBits(5, 100_000)).toBeCloseTo(2.88539e-5, 9);
    expect(expectedEmpiricalKlBits(1, 10)).toBe(0);
    expect(expectedEmpiricalKlBits(3, 0)).toBe(Infinity);
    expect(() => expectedEmpiricalKlBits(2.5, 10)).toThrow(RangeError);
    expect(() => expectedEmpiricalKlBits(2, -1)).toThrow(RangeError);
    // 400 trials of n = 1000 draws from a 4-outcome distribution; the mean KL matches within 15%.
    const p = [0.4, 0.3, 0.2, 0.1];
    const rng = createRng(77);
    const n = 1000;
    let total = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const counts = [0, 0, 0, 0];
      for (let i = 0; i < n; i++) {
        const u = rng.next();
        counts[u < 0.4 ? 0 : u < 0.7 ? 1 : u < 0.9 ? 2 : 3]! += 1;
      }
      total += klDivergenceBits(
        counts.map((c) => c / n),
        p,
      );
    }
    expect(Math.abs(total / trials / expectedEmpiricalKlBits(4, n) - 1)).toBeLessThan(0.15);
  });

  it("[EMP1] empirical KL from counts: hand value, N = 0, unseen outcomes, q = 0", () => {
    const theory = new Map([
      ["a", 0.5],
      ["b", 0.5],
      ["c", 0],
    ]);
    const q = (key: string) => theory.get(key) ?? 0;
    const counts = new Map([
      ["a", 3],
      ["b", 1],
    ]);
    expect(empiricalKlBits(counts, q)).toBeCloseTo(0.75 * Math.log2(1.5) + 0.25 * Math.log2(0.5), 15);
    expect(empiricalKlBits(new Map<string, number>(), q)).toBe(0);
    expect(
      empiricalKlBits(
        new Map([
          ["a", 0],
          ["b", 0],
        ]),
        q,
      ),
    ).toBe(0);
    expect(
      empiricalKlBits(
        new Map([
          ["a", 2],
          ["c", 1],
        ]),
        q,
      ),
    ).toBe(Infinity);
    expect(() => empiricalKlBits(new Map([["a", -1]]), q)).toThrow(RangeError);
    function* once(): Generator<[string, number]> {
      yield ["a", 3];
      yield ["b", 1];
    }
    expect(empiricalKlBits(once(), q)).toBe(empiricalKlBits(counts, q)); // a single-use iterable works
  });

  it("[EMP1] equals KL(empirical ‖ theory) on aligned arrays (property)", () => {
    const rng = createRng(8);
    for (const [, q] of randomPairs(9, 100)) {
      const counts = q.map(() => Math.floor(rng.next() * 5));
      const n = counts.reduce((a, b) => a + b, 0);
      const got = empiricalKlBits(counts.entries(), (i) => q[i]!);
      expect(got).toBeCloseTo(
        n === 0
          ? 0
          : klDivergenceBits(
              counts.map((c) => c / n),
              q,
            ),
        12,
      );
      expect(got).toBeGreaterThanOrEqual(0);
    }
  });

  it("[EMP2] empirical cross-entropy = mean −log2 q over the samples; [EMP3] empirical entropy", () => {
    const q = (key: string) => ({ a: 0.5, b: 0.25, c: 0.25 })[key] ?? 0;
    const samples = ["a", "a", "b", "c", "a", "b"];
    const counts = new Map<string, number>();
    for (const s of samples) counts.set(s, (counts.get(s) ?? 0) + 1);
    const mean = samples.reduce((acc, s) => acc - Math.log2(q(s)), 0) / samples.length; // (3·1 + 2·2 + 2) / 6
    expect(empiricalCrossEntropyBits(counts, q)).toBeCloseTo(mean, 15);
    expect(empiricalCrossEntropyBits(counts, q)).toBeCloseTo(9 / 6, 15);
    expect(empiricalCrossEntropyBits(new Map<string, number>(), q)).toBe(0);
    expect(empiricalEntropyBits(counts)).toBeCloseTo(entropyBits([3 / 6, 2 / 6, 1 / 6]), 15);
    expect(empiricalEntropyBits(new Map<string, number>())).toBe(0);
    // Cross-entropy of the samples = H(empirical) + KL(empirical ‖ theory).
    expect(empiricalCrossEntropyBits(counts, q)).toBeCloseTo(
      empiricalEntropyBits(counts) + empiricalKlBits(counts, q),
      12,
    );
  });
});
