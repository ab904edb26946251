import { describe, expect, it } from "vitest";
import { createRng } from "./prng.ts";
import { expectedEmpiricalKlBits, empiricalKlBits } from "./info.ts";
import { expectedEmpiricalKlExactBits, logFactorial } from "./expected-kl.ts";

describe("[EKL2] exact expected empirical KL", () => {
  it("matches hand-computed values for a fair coin", () => {
    // n = 1: the empirical is a point mass, KL = log2(1 / 0.5) = 1 bit whatever the outcome
    expect(expectedEmpiricalKlExactBits([0.5, 0.5], 1)).toBeCloseTo(1, 12);
    // n = 2: with prob 1/2 the counts are (1,1), KL 0; with prob 1/2 they are (2,0) or (0,2), KL 1
    expect(expectedEmpiricalKlExactBits([0.5, 0.5], 2)).toBeCloseTo(0.5, 12);
  });

  it("tends to the first-order (k−1)/(2n ln 2) when every outcome is seen often", () => {
    const q = [0.4, 0.3, 0.2, 0.1];
    const n = 20_000;
    const exact = expectedEmpiricalKlExactBits(q, n);
    expect(exact / expectedEmpiricalKlBits(4, n)).toBeGreaterThan(0.98);
    expect(exact / expectedEmpiricalKlBits(4, n)).toBeLessThan(1.02);
  });

  it("agrees with a Monte-Carlo average when many outcomes are rare (where the first order is far off)", () => {
    const k = 200;
    const q = Array.from({ length: k }, (_, i) => 1 / (i + 1));
    const z = q.reduce((s, x) => s + x, 0);
    for (let i = 0; i < k; i++) q[i] = q[i]! / z;
    const n = 50;
    const cdf: number[] = [];
    q.reduce((s, x, i) => ((cdf[i] = s + x), s + x), 0);
    const rng = createRng(99);
    const trials = 4000;
    let sum = 0;
    for (let t = 0; t < trials; t++) {
      const counts = new Map<number, number>();
      for (let j = 0; j < n; j++) {
        const u = rng.next();
        let idx = cdf.findIndex((c) => u < c);
        if (idx < 0) idx = k - 1;
        counts.set(idx, (counts.get(idx) ?? 0) + 1);
      }
      sum += empiricalKlBits(counts, (i) => q[i]!);
    }
    const mc = sum / trials;
    const exact = expectedEmpiricalKlExactBits(q, n);
    expect(Math.abs(exact - mc) / mc).toBeLessThan(0.03);
    expect(expectedEmpiricalKlBits(k, n)).toBeGreaterThan(1.5 * exact); // the first order overshoots here
  });

  it("computes ln k! exactly in the table and within 1e-12 relative with Stirling", () => {
    let direct = 0;
    for (let i = 1; i <= 300; i++) direct += Math.log(i);
    expect(Math.abs(logFactorial(300) - direct) / direct).toBeLessThan(1e-12);
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 14);
  });
});

describe("[EKL3] the shortcut (k−1)/(2N ln 2) against the exact expectation", () => {
  it("undershoots when every N·q_x is large enough: 0.907× for (.5, .3, .15, .05) at N = 10", () => {
    const q = [0.5, 0.3, 0.15, 0.05];
    const exact = expectedEmpiricalKlExactBits(q, 10);
    expect(exact).toBeCloseTo(0.23856, 5);
    expect(expectedEmpiricalKlBits(4, 10) / exact).toBeCloseTo(0.907, 3);
  });

  it("undershoots for the toy row after “the” at N = 100: 0.932×", () => {
    const q = [0.02, 0.25, 0.33, 0.38, 0.02];
    expect(expectedEmpiricalKlBits(5, 100) / expectedEmpiricalKlExactBits(q, 100)).toBeCloseTo(0.932, 3);
  });

  it("overshoots only when outcomes go unseen: 200 Zipf outcomes at N = 50 (1.92×)", () => {
    const q = Array.from({ length: 200 }, (_, i) => 1 / (i + 1));
    const z = q.reduce((s, x) => s + x, 0);
    const exact = expectedEmpiricalKlExactBits(
      q.map((x) => x / z),
      50,
    );
    expect(expectedEmpiricalKlBits(200, 50) / exact).toBeCloseTo(1.923, 3);
  });

  it("is 0.907× to 1× for four outcomes from N = 10 on: the next-order term is positive", () => {
    const q = [0.5, 0.3, 0.15, 0.05];
    let previous = 0;
    for (const n of [10, 30, 100, 1_000, 10_000]) {
      const ratio = expectedEmpiricalKlBits(4, n) / expectedEmpiricalKlExactBits(q, n);
      expect(ratio).toBeLessThan(1);
      expect(ratio).toBeGreaterThan(previous); // tends to 1 from below
      previous = ratio;
    }
  });
});
