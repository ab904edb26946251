import { describe, expect, it } from "vitest";
import { expectedEmpiricalKlBits, expectedEmpiricalKlExactBits, type ReviewKlPoint } from "@tokenroom/shared";
import { klDomains, klRows } from "../charts/kl-data.ts";
import { expectedAt, indexAtN, playStepMs, replayHistory } from "./replay-data.ts";

const point = (n: number, kl: number | null): ReviewKlPoint => ({
  n,
  firstKlBits: kl,
  completionKlBits: kl === null ? 0.5 : kl * 2,
  expectedKlFirstOrderBits: 1 / n,
});
const curve = [point(1, 2), point(2, 1), point(4, null), point(9, 0.2), point(20, 0.05)];

describe("the KL replay", () => {
  it("keeps every N but blanks the KL after the slider's point", () => {
    const h = replayHistory(curve, 1);
    expect(h.map((p) => p.n)).toEqual([1, 2, 4, 9, 20]);
    expect(h.slice(0, 2).map((p) => p.firstKlBits)).toEqual([2, 1]);
    expect(h.slice(2).every((p) => Number.isNaN(p.firstKlBits) && Number.isNaN(p.completionKlBits))).toBe(
      true,
    );
  });

  it("draws nothing for a first-token KL the server could not compute (null)", () => {
    const rows = klRows(replayHistory(curve, 4), 3);
    expect(rows[2]?.first).toBeNull();
    expect(rows[2]?.completion).toBe(0.5);
  });

  it("blanked points keep the chart's axes: the reference curve still spans every N", () => {
    const full = klDomains(klRows(replayHistory(curve, 4), 3));
    expect(klRows(replayHistory(curve, 0), 3).every((r) => r.approximation !== null)).toBe(true);
    expect(full.x).toEqual([1, 100]);
  });

  it("finds the last point at or before N", () => {
    expect(indexAtN(curve, 0)).toBe(0);
    expect(indexAtN(curve, 1)).toBe(0);
    expect(indexAtN(curve, 3)).toBe(1);
    expect(indexAtN(curve, 9)).toBe(3);
    expect(indexAtN(curve, 1000)).toBe(4);
    expect(indexAtN([], 5)).toBe(0);
  });

  it("plays the whole curve in about six seconds, never faster than 25 ms a step", () => {
    expect(playStepMs(201)).toBe(30);
    expect(playStepMs(2)).toBe(6_000);
    expect(playStepMs(10_000)).toBe(25);
    expect(playStepMs(0)).toBe(6_000);
  });
});

describe("the replay's chance curve ([EKL2])", () => {
  // a 2,000-token model: the shortcut (k − 1) / (2N ln 2) says 31.2 bits at N = 46, far above the class
  const q = Float64Array.from({ length: 2000 }, (_, i) => 1 / (i + 1));
  const total = q.reduce((s, x) => s + x, 0);
  for (let i = 0; i < q.length; i++) q[i]! /= total;
  const ns = [1, 2, 5, 12, 46, 200, 2580];
  const exactAt = new Set([0, 2, 4, 6]); // the server computes it at some of the points
  const zipf: ReviewKlPoint[] = ns.map((n, i) => ({
    n,
    firstKlBits: 1.2,
    completionKlBits: 30,
    expectedKlFirstOrderBits: expectedEmpiricalKlBits(2000, n),
    expectedKlBits: exactAt.has(i) ? expectedEmpiricalKlExactBits(q, n) : null,
  }));

  it("gives the chart the exact curve, so the axes ignore the shortcut", () => {
    const rows = klRows(replayHistory(zipf, 4), 2000);
    expect(rows.map((r) => r.expected !== null)).toEqual(ns.map((_, i) => exactAt.has(i)));
    // the shortcut at N = 1 is ~1,500 bits; the exact curve stays below log2 of the support
    expect(klDomains(rows).y[1]).toBeLessThanOrEqual(100);
  });

  it("reads the exact value at N = 46, far below the shortcut", () => {
    const at46 = expectedAt(zipf, 4)!;
    expect(at46.computed).toBe(true);
    expect(at46.bits).toBeCloseTo(expectedEmpiricalKlExactBits(q, 46), 12);
    expect(zipf[4]!.expectedKlFirstOrderBits).toBeGreaterThan(30);
    expect(at46.bits).toBeLessThan(zipf[4]!.expectedKlFirstOrderBits / 4);
  });

  it("between computed points, follows the chart's straight log-log segment", () => {
    const at200 = expectedAt(zipf, 5)!;
    expect(at200.computed).toBe(false);
    const [a, b] = [zipf[4]!.expectedKlBits!, zipf[6]!.expectedKlBits!];
    const f = Math.log(200 / 46) / Math.log(2580 / 46);
    expect(at200.bits).toBeCloseTo(a * (b / a) ** f, 12);
  });

  it("the server's spacing (24 points over up to 5 decades, a factor ≤ 1.7 apart) keeps that within 2%", () => {
    const point = (n: number, exact: boolean): ReviewKlPoint => ({
      n,
      firstKlBits: 0.1,
      completionKlBits: 1,
      expectedKlFirstOrderBits: expectedEmpiricalKlBits(2000, n),
      expectedKlBits: exact ? expectedEmpiricalKlExactBits(q, n) : null,
    });
    for (const n0 of [10, 100, 1000, 10_000]) {
      const mid = Math.round(n0 * 1.3);
      const near = expectedAt([point(n0, true), point(mid, false), point(Math.round(n0 * 1.7), true)], 1)!;
      expect(Math.abs(near.bits / expectedEmpiricalKlExactBits(q, mid) - 1)).toBeLessThan(0.02);
    }
  });

  it("has no chance value without the exact curve (an older server, or an unknown distribution)", () => {
    expect(expectedAt(curve, 2)).toBeNull();
    expect(
      expectedAt(
        zipf.map((p) => ({ ...p, expectedKlBits: null })),
        4,
      ),
    ).toBeNull();
  });
});
