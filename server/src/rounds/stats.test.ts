import { describe, expect, it } from "vitest";
import { empiricalCrossEntropyBits, empiricalEntropyBits, empiricalKlBits } from "@tokenroom/shared";
import { aggregatorFor, toySource } from "../../test/seeded-samples.ts";
import type { CounterKl } from "./counter-kl.ts";
import { klFromSums } from "./stats.ts";

/** The sums of `counter` after n samples against the definitions on its counts. */
function agree<K>(counter: CounterKl<K>, qOf: (key: K) => number, n: number): void {
  const sums = counter.sums();
  const counts = [...counter.counts];
  const ce = -sums.sumLogQ / n;
  const h = Math.log2(n) - sums.sumCLogC / n;
  expect(sums.n).toBe(n);
  expect(ce).toBeCloseTo(empiricalCrossEntropyBits(counts, qOf), 9);
  expect(h).toBeCloseTo(empiricalEntropyBits(counts), 9);
  expect(klFromSums(sums)).toBeCloseTo(empiricalKlBits(counts, qOf), 9);
  expect(klFromSums(sums)).toBeCloseTo(Math.max(0, ce - h), 12);
}

describe("KL from running sums", () => {
  it("[EMP4] hand value: counts (2, 1) against q = (1/2, 1/2)", () => {
    // S_clogc = 2 log2 2 = 2, S_logq = 3 log2(1/2) = −3, N = 3: 2/3 − log2 3 + 1
    const kl = klFromSums({ n: 3, sumCLogC: 2, sumLogQ: -3 });
    expect(kl).toBeCloseTo(5 / 3 - Math.log2(3), 15);
    expect(kl).toBeCloseTo((2 / 3) * Math.log2(4 / 3) + (1 / 3) * Math.log2(2 / 3), 15);
  });

  it("[EMP4] 0 at N = 0, never negative, +Infinity when an observed outcome has q = 0", () => {
    expect(klFromSums({ n: 0, sumCLogC: 0, sumLogQ: 0 })).toBe(0);
    // one outcome with q = 1: exactly 0 whatever the rounding of 3 log2 3
    expect(klFromSums({ n: 3, sumCLogC: 3 * Math.log2(3), sumLogQ: 0 })).toBe(0);
    expect(klFromSums({ n: 2, sumCLogC: 0, sumLogQ: -Infinity })).toBe(Infinity);
  });

  it("[EMP4] = [EMP1], and cross-entropy − entropy = [EMP2] − [EMP3], along 3,000 seeded samples", () => {
    const source = toySource(20261202, ["p0", "p1", "p2", "p3", "p4"]);
    const theory = source.theory();
    const q = new Map(Array.from(theory.ids, (id, i) => [id, theory.probs[i]!] as const));
    const agg = aggregatorFor(source);
    const completionQ = new Map<string, number>();
    const samples = source.take(3000);
    let checked = 0;
    samples.forEach((s, i) => {
      agg.add(s);
      completionQ.set(s.tokens.join(","), Math.exp(s.logProb));
      const n = i + 1;
      if (n > 40 && n % 97 !== 0 && n !== samples.length) return;
      agree(agg.first, (id) => q.get(id)!, n);
      agree(agg.completions, (key) => completionQ.get(key)!, n);
      checked++;
    });
    expect(checked).toBeGreaterThan(60);
    expect(agg.completions.distinct).toBeGreaterThan(20); // the completions' KL is not a trivial one
  });
});
