import { expectedEmpiricalKlBits, expectedEmpiricalKlExactBits } from "@tokenroom/shared";
import { describe, expect, it } from "vitest";
import { klDomains, klRows } from "./kl-data.ts";

const q = [0.5, 0.25, 0.125, 0.125];

describe("KL chart data", () => {
  it("takes the exact expected KL from each point and computes the first-order line from k", () => {
    const history = [1, 10, 100].map((n) => ({
      n,
      firstKlBits: 0.1,
      completionKlBits: 0.2,
      expectedKlBits: expectedEmpiricalKlExactBits(q, n),
    }));
    const rows = klRows(history, q.length);
    expect(rows.map((r) => r.expected)).toEqual(history.map((h) => h.expectedKlBits));
    expect(rows.map((r) => r.approximation)).toEqual([1, 10, 100].map((n) => expectedEmpiricalKlBits(4, n)));
    // at N = 1 the exact expectation is the entropy (1.75 bits); the approximation overshoots it
    expect(rows[0]!.expected).toBeCloseTo(1.75, 9);
    expect(rows[0]!.approximation!).toBeGreaterThan(rows[0]!.expected!);
  });

  it("leaves the exact curve empty for points without it (an older server)", () => {
    const rows = klRows([{ n: 5, firstKlBits: 0, completionKlBits: 0.3 }], 10);
    expect(rows[0]).toMatchObject({ first: null, completion: 0.3, expected: null });
  });

  it("scales the y axis to the class and the exact curve, not the approximation's huge small-N values", () => {
    const rows = klRows([{ n: 1, firstKlBits: 2, completionKlBits: 3, expectedKlBits: 1.5 }], 1000);
    expect(rows[0]!.approximation!).toBeGreaterThan(700);
    expect(klDomains(rows)).toEqual({ x: [1, 10], y: [1, 10] });
    // without the exact curve the approximation is the only reference, and counts
    expect(klDomains(klRows([{ n: 1, firstKlBits: 2, completionKlBits: 3 }], 1000)).y).toEqual([1, 1000]);
  });
});
