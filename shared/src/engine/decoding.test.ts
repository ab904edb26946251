import { describe, expect, it } from "vitest";
import { applyTemperature, logSumExp, settingsError, softmax, topK, topP } from "./decoding-steps.ts";
import { decodeDistribution, nextTokenDistribution, probabilityOf, sortedDistribution } from "./decoding.ts";
import shipped from "../../models/tiny-stories.json";
import { parseNgramArtifact } from "./artifact.ts";
import { ngramModel } from "./ngram.ts";
import { createRng } from "./prng.ts";
import { createToyModel } from "./toy.ts";
import type { DecodingSettings, Rng, TokenDistribution } from "./types.ts";

/** A second, naive decoder written from the SPEC's words: p ∝ exp(logp / T), sort, cut k, renormalise, cut p. */
function naiveDecode(logProbs: number[], s: DecodingSettings): { id: number; p: number }[] {
  let entries: { id: number; p: number }[];
  if (s.temperature === 0) {
    const best = logProbs.indexOf(Math.max(...logProbs));
    entries = [{ id: best, p: 1 }];
  } else {
    const weights = logProbs.map((lp) => Math.exp(lp / s.temperature));
    const total = weights.reduce((a, b) => a + b, 0);
    entries = weights.map((w, id) => ({ id, p: w / total })).filter((e) => e.p > 0);
  }
  entries.sort((x, y) => (y.p !== x.p ? y.p - x.p : x.id - y.id));
  const renormalise = (es: { id: number; p: number }[]) => {
    const total = es.reduce((a, e) => a + e.p, 0);
    return es.map((e) => ({ id: e.id, p: e.p / total }));
  };
  if (s.topK > 0 && s.topK < entries.length) entries = renormalise(entries.slice(0, s.topK));
  if (s.topP < 1) {
    let mass = 0;
    let n = 0;
    while (n < entries.length && mass < s.topP - 1e-12) mass += entries[n++]!.p;
    entries = renormalise(entries.slice(0, n));
  }
  return entries;
}

const asPairs = (d: TokenDistribution) => Array.from(d.ids, (id, i) => ({ id, p: d.probs[i]! }));
const dist = (ids: number[], probs: number[]): TokenDistribution => ({
  ids: Int32Array.from(ids),
  probs: Float64Array.from(probs),
});
const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);

/** Random log-prob vectors (some tokens impossible), from a fixed seed. */
function randomLogProbs(seed: number, count: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const size = 1 + Math.floor(rng.next() * 12);
    const w: number[] = Array.from({ length: size }, () => (rng.next() < 0.2 ? 0 : rng.next() ** 3));
    if (!w.some((x) => x > 0)) w[0] = 1;
    const total = sum(w);
    return w.map((x) => Math.log(x / total));
  });
}

function expectClose(actual: { id: number; p: number }[], expected: { id: number; p: number }[]): void {
  expect(actual.map((e) => e.id)).toEqual(expected.map((e) => e.id));
  actual.forEach((e, i) => expect(e.p).toBeCloseTo(expected[i]!.p, 12));
}

/**
 * The plain definition, exactly as decodeDistribution computed it before its grouped fast path: every token with
 * p > 0 ordered by a comparator sort ([D2]), then topK and topP.
 */
function comparatorSorted(probs: ArrayLike<number>): TokenDistribution {
  const order: number[] = [];
  for (let i = 0; i < probs.length; i++) if (probs[i]! > 0) order.push(i);
  order.sort((a, b) => probs[b]! - probs[a]! || a - b);
  return { ids: Int32Array.from(order), probs: Float64Array.from(order, (i) => probs[i]!) };
}
const plainDecode = (logProbs: Float64Array, s: DecodingSettings): TokenDistribution =>
  topP(topK(comparatorSorted(applyTemperature(logProbs, s.temperature)), s.topK), s.topP);

/** What f gives: the ids and the bits of the probabilities of its distribution, or the error it throws. */
function outcome(f: () => TokenDistribution): { ids: number[]; bits: bigint[] } | { error: string } {
  try {
    const d = f();
    return {
      ids: Array.from(d.ids),
      bits: Array.from(new BigUint64Array(Float64Array.from(d.probs).buffer)),
    };
  } catch (error) {
    return { error: String(error) };
  }
}

/**
 * Logits full of exact ties: a few shared levels, each also nudged by one ulp (distinct log-probs whose
 * probabilities often round to the same value), some unique values and impossible tokens; rarely an entry that
 * makes decoding throw (NaN, +Infinity, or a weight that overflows at T = 1).
 */
function tiedLogits(rng: Rng, size: number): Float64Array {
  const levels = Array.from({ length: 1 + Math.floor(rng.next() * 6) }, () => -30 * rng.next());
  for (const level of levels.slice()) levels.push(level * (1 + Number.EPSILON));
  const logits = Float64Array.from({ length: size }, () => {
    const u = rng.next();
    if (u < 0.08) return -Infinity;
    if (u < 0.8) return levels[Math.floor(rng.next() * levels.length)]!;
    return -30 * rng.next();
  });
  if (rng.next() < 0.03)
    logits[Math.floor(rng.next() * size)] = [NaN, Infinity, 800][Math.floor(rng.next() * 3)]!;
  return logits;
}

/** Random settings, including the edges: T = 0, tiny and huge T, k = 0, k >= size, p = 1 and tiny p. */
function randomSettings(rng: Rng, size: number): DecodingSettings {
  const temperatures = [0, 1e-300, 0.05, 0.4, 1, 1, 1, 1.7, 1e3, 1e300];
  const u = rng.next();
  return {
    temperature: temperatures[Math.floor(rng.next() * temperatures.length)]!,
    topK: rng.next() < 0.5 ? 0 : Math.floor(rng.next() * (size + 3)),
    topP: u < 0.3 ? 1 : u < 0.35 ? 1e-9 : 1 - rng.next(),
  };
}

describe("decoding", () => {
  it("[T1] logSumExp is ln Σ exp, stable for large inputs", () => {
    expect(logSumExp([0, 0])).toBeCloseTo(Math.LN2, 15);
    expect(logSumExp([Math.log(1), Math.log(3)])).toBeCloseTo(Math.log(4), 15);
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.LN2, 12);
    expect(logSumExp([-Infinity, 0])).toBe(0);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity])).toBe(-Infinity);
  });

  it("[T1] softmax subtracts the max, gives 0 for -Infinity, and sums to 1", () => {
    const quarter = softmax([0, Math.log(3)]);
    [0.25, 0.75].forEach((x, i) => expect(quarter[i]).toBeCloseTo(x, 15));
    expect(Array.from(softmax([1000, 1000, -Infinity]))).toEqual([0.5, 0.5, 0]);
    const p = softmax([3, -2, 0.5, -Infinity, 7]);
    expect(sum(p)).toBeCloseTo(1, 15);
    expect(p[3]).toBe(0);
    expect(() => softmax([-Infinity, -Infinity])).toThrow(RangeError);
    expect(() => softmax([0, Number.NaN])).toThrow(RangeError);
  });

  it("[T1] p_i ∝ exp(logp_i / T): hand-computed values", () => {
    const lp = Float64Array.from([0.5, 0.25, 0.25], Math.log);
    const half = applyTemperature(lp, 0.5); // squares: 1/4, 1/16, 1/16 over 3/8
    [2 / 3, 1 / 6, 1 / 6].forEach((x, i) => expect(half[i]).toBeCloseTo(x, 15));
    const two = applyTemperature(lp, 2); // square roots: √½, ½, ½ over (√½ + 1)
    const z = Math.SQRT1_2 + 1;
    [Math.SQRT1_2 / z, 0.5 / z, 0.5 / z].forEach((x, i) => expect(two[i]).toBeCloseTo(x, 15));
    const one = applyTemperature(lp, 1);
    [0.5, 0.25, 0.25].forEach((x, i) => expect(one[i]).toBeCloseTo(x, 15));
  });

  it("[T1] matches the naive implementation on random distributions and temperatures", () => {
    const rng = createRng(5);
    for (const lp of randomLogProbs(1, 300)) {
      const t = [0.1, 0.5, 1, 1.7, 10][Math.floor(rng.next() * 5)]!;
      const got = applyTemperature(Float64Array.from(lp), t);
      const naive = naiveDecode(lp, { temperature: t, topK: 0, topP: 1 });
      expect(sum(got)).toBeCloseTo(1, 14);
      for (let id = 0; id < lp.length; id++) {
        expect(got[id]).toBeCloseTo(naive.find((e) => e.id === id)?.p ?? 0, 12);
      }
    }
  });

  it("[T1] impossible tokens stay exactly 0 at every temperature", () => {
    const lp = Float64Array.from([-Infinity, Math.log(0.9), -Infinity, Math.log(0.1)]);
    for (const t of [0, 1e-300, 0.3, 1, 3, 1e300]) {
      const p = applyTemperature(lp, t);
      expect([p[0], p[2]]).toEqual([0, 0]);
    }
  });

  it("[T1] large T tends to uniform over the tokens with finite log-prob", () => {
    const lp = Float64Array.from([Math.log(0.97), -Infinity, Math.log(0.02), Math.log(0.01)]);
    const p = applyTemperature(lp, 1e12);
    expect(p[1]).toBe(0);
    for (const i of [0, 2, 3]) expect(p[i]).toBeCloseTo(1 / 3, 10);
    const entropyGap = (t: number) => Math.abs(applyTemperature(lp, t)[0]! - 1 / 3);
    expect(entropyGap(100)).toBeLessThan(entropyGap(10)); // monotone approach
  });

  it("[T0] T = 0 is the one-hot argmax with ties to the lowest id", () => {
    expect(Array.from(applyTemperature(Float64Array.from([-2, -1, -3]), 0))).toEqual([0, 1, 0]);
    expect(Array.from(applyTemperature(Float64Array.from([-3, -1, -1]), 0))).toEqual([0, 1, 0]);
    expect(Array.from(applyTemperature(Float64Array.from([-Infinity, -5, -Infinity]), 0))).toEqual([0, 1, 0]);
  });

  it("[T0] T → 0 tends to the argmax without overflow", () => {
    const lp = Float64Array.from([Math.log(0.3), Math.log(0.5), Math.log(0.2)]);
    for (const t of [1e-6, 1e-300, 5e-324]) expect(Array.from(applyTemperature(lp, t))).toEqual([0, 1, 0]);
    const cold = applyTemperature(lp, 0.01); // (0.3/0.5)^100 ≈ 6.5e-23
    expect(cold[0]).toBeCloseTo(0.6 ** 100, 30);
    expect(applyTemperature(lp, 0.05)[1]).toBeGreaterThan(0.99);
  });

  it("[D2] sortedDistribution drops zeros and sorts by probability, ties by lowest id", () => {
    const d = sortedDistribution([0.1, 0, 0.3, 0.1, 0.5]);
    expect(Array.from(d.ids)).toEqual([4, 2, 0, 3]);
    expect(Array.from(d.probs)).toEqual([0.5, 0.3, 0.1, 0.1]);
  });

  it("[TK1] keeps the k most probable tokens, renormalised", () => {
    const d = dist([7, 3, 5], [0.5, 0.3, 0.2]);
    expectClose(asPairs(topK(d, 2)), [
      { id: 7, p: 0.625 },
      { id: 3, p: 0.375 },
    ]);
    expect(asPairs(topK(d, 1))).toEqual([{ id: 7, p: 1 }]);
    expect(topK(d, 0)).toBe(d);
    expect(topK(d, 3)).toBe(d);
    expect(topK(d, 99)).toBe(d);
    expect(() => topK(d, 1.5)).toThrow(RangeError);
    expect(() => topK(d, -1)).toThrow(RangeError);
  });

  it("[TK1] the kept tokens are exactly the k most probable (property, random distributions)", () => {
    for (const lp of randomLogProbs(2, 200)) {
      const full = sortedDistribution(applyTemperature(Float64Array.from(lp), 1));
      for (let k = 1; k <= full.ids.length; k++) {
        const kept = topK(full, k);
        expect(Array.from(kept.ids)).toEqual(Array.from(full.ids.slice(0, k)));
        expect(sum(kept.probs)).toBeCloseTo(1, 14);
        const ratio = kept.probs[0]! / full.probs[0]!;
        kept.probs.forEach((p, i) => expect(p / full.probs[i]!).toBeCloseTo(ratio, 12)); // proportions kept
      }
    }
  });

  it("[TP1] keeps the smallest prefix whose mass reaches p, renormalised", () => {
    const d = dist([2, 0, 1], [0.5, 0.3, 0.2]);
    expect(Array.from(topP(d, 0.5).ids)).toEqual([2]); // 0.5 reaches 0.5
    expect(Array.from(topP(d, 0.50001).ids)).toEqual([2, 0]);
    expectClose(asPairs(topP(d, 0.8)), [
      { id: 2, p: 0.625 },
      { id: 0, p: 0.375 },
    ]);
    expect(Array.from(topP(d, 0.81).ids)).toEqual([2, 0, 1]);
    expect(topP(d, 1)).toBe(d);
    expect(Array.from(topP(d, 1e-9).ids)).toEqual([2]);
    for (const bad of [0, -0.1, 1.01, Number.NaN]) expect(() => topP(d, bad)).toThrow(RangeError);
  });

  it("[TP1] float rounding of an exact boundary does not add a token", () => {
    const d = dist([0, 1, 2], [0.6, 0.3, 0.1]);
    expect(0.6 + 0.3).toBeLessThan(0.9); // 0.8999999999999999
    expect(Array.from(topP(d, 0.9).ids)).toEqual([0, 1]);
  });

  it("[TP1] the kept prefix reaches p and no shorter prefix does (property)", () => {
    const rng = createRng(3);
    for (const lp of randomLogProbs(4, 300)) {
      const full = sortedDistribution(applyTemperature(Float64Array.from(lp), 1));
      const p = 0.05 + 0.9 * rng.next();
      const n = topP(full, p).ids.length;
      const mass = (m: number) => sum(full.probs.slice(0, m));
      expect(mass(n) >= p - 1e-12 || n === full.ids.length).toBe(true);
      expect(mass(n - 1)).toBeLessThan(p - 1e-12);
    }
  });

  it("[D1] temperature, then top-k, then top-p (top-p sees the renormalised top-k)", () => {
    const lp = Float64Array.from([0.4, 0.3, 0.2, 0.1], Math.log);
    // top-k 2 gives 4/7, 3/7; 4/7 >= 0.5 so top-p keeps one token. (Top-p first would keep two.)
    expect(asPairs(decodeDistribution(lp, { temperature: 1, topK: 2, topP: 0.5 }))).toEqual([
      { id: 0, p: 1 },
    ]);
    const d = decodeDistribution(lp, { temperature: 0.5, topK: 3, topP: 0.9 });
    // T = 0.5: squares 16, 9, 4, 1 (/30); top-3: 16, 9, 4 (/29); top-p 0.9: 16/29 + 9/29 = 0.862 < 0.9, keep 3.
    expectClose(asPairs(d), [
      { id: 0, p: 16 / 29 },
      { id: 1, p: 9 / 29 },
      { id: 2, p: 4 / 29 },
    ]);
  });

  it("[D1] decodeDistribution matches the naive decoder for random settings", () => {
    const rng = createRng(6);
    for (const lp of randomLogProbs(7, 400)) {
      const settings: DecodingSettings = {
        temperature: [0, 0.2, 0.7, 1, 1.5, 4][Math.floor(rng.next() * 6)]!,
        topK: Math.floor(rng.next() * 6),
        topP: rng.next() < 0.3 ? 1 : 0.05 + 0.95 * rng.next(),
      };
      const got = decodeDistribution(Float64Array.from(lp), settings);
      expectClose(asPairs(got), naiveDecode(lp, settings));
      expect(sum(got.probs)).toBeCloseTo(1, 14);
    }
  });

  it("[D1] nextTokenDistribution decodes the model's log-probs (toy model after 'the')", () => {
    const model = createToyModel();
    const d = nextTokenDistribution(model, [4], { temperature: 1, topK: 0, topP: 1 });
    expectClose(asPairs(d), [
      { id: 3, p: 0.38 },
      { id: 2, p: 0.33 },
      { id: 1, p: 0.25 },
      { id: 0, p: 0.02 },
      { id: 4, p: 0.02 },
    ]);
    const s: DecodingSettings = { temperature: 0.8, topK: 3, topP: 0.7 };
    expect(nextTokenDistribution(model, [4, 3], s)).toEqual(
      decodeDistribution(model.nextTokenLogProbs([3]), s),
    );
  });

  it("[D1] probabilityOf reads a decoded distribution; 0 for absent, pruned or foreign ids", () => {
    const d = dist([2, 0], [0.75, 0.25]);
    expect(probabilityOf(d, 0)).toBe(0.25);
    expect(probabilityOf(d, 1)).toBe(0);
    expect(probabilityOf(d, 99)).toBe(0);
    expect(probabilityOf(d, 0.5)).toBe(0);
  });

  it("[D3] settingsError accepts valid settings and explains invalid ones in one line", () => {
    expect(settingsError({ temperature: 0, topK: 0, topP: 1 })).toBeNull();
    expect(settingsError({ temperature: 2.5, topK: 40, topP: 0.01 })).toBeNull();
    const bad: unknown[] = [
      { temperature: -1, topK: 0, topP: 1 },
      { temperature: Number.NaN, topK: 0, topP: 1 },
      { temperature: Infinity, topK: 0, topP: 1 },
      { temperature: "1", topK: 0, topP: 1 },
      { temperature: 1, topK: 1.5, topP: 1 },
      { temperature: 1, topK: -1, topP: 1 },
      { temperature: 1, topK: 0, topP: 0 },
      { temperature: 1, topK: 0, topP: 1.5 },
      { temperature: 1, topK: 0, topP: "0.5" },
      { temperature: 1, topK: 0 },
      null,
    ];
    for (const s of bad) {
      const message = settingsError(s as DecodingSettings);
      expect(message).toMatch(/^[^\n]+$/);
      expect(() => decodeDistribution(Float64Array.from([0]), s as DecodingSettings)).toThrow(RangeError);
    }
  });
});

describe("decoding equals the plain definition bit for bit", () => {
  // decodeDistribution and sortedDistribution group equal values instead of sorting every token (decoding-groups.ts);
  // these tests pin them to the comparator sort they replace: same ids, same probability bits, same errors.

  it("[D1] [D2] random logits with many exact ties, every kind of settings", () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 1500; trial++) {
      const size = 1 + Math.floor(rng.next() ** 2 * 2500);
      const logits = tiedLogits(rng, size);
      const settings = randomSettings(rng, size);
      const list = outcome(() => plainDecode(logits, { ...settings, topP: 1 }));
      if ("ids" in list && rng.next() < 0.3) {
        // top-p right at a prefix's mass (summed in order), give or take the tolerance [TP1]
        const probs = new Float64Array(new BigUint64Array(list.bits).buffer);
        let mass = 0;
        for (let j = 0, n = 1 + Math.floor(rng.next() * probs.length); j < n; j++) mass += probs[j]!;
        const nudged = mass + [-2e-12, -1e-12, -5e-13, 0, 5e-13, 1e-12, 2e-12][Math.floor(rng.next() * 7)]!;
        if (nudged > 0 && nudged <= 1) settings.topP = nudged;
      }
      expect(outcome(() => decodeDistribution(logits, settings))).toEqual(
        outcome(() => plainDecode(logits, settings)),
      );
    }
  });

  it("[D1] [D2] the shipped tiny-stories model's contexts", () => {
    const model = ngramModel(parseNgramArtifact(shipped));
    const rng = createRng(12);
    const settings: DecodingSettings[] = [
      { temperature: 1, topK: 0, topP: 0.9 },
      { temperature: 1, topK: 0, topP: 1 },
      { temperature: 0.7, topK: 40, topP: 0.95 },
      { temperature: 1.3, topK: 0, topP: 0.5 },
      { temperature: 2, topK: 5, topP: 1 },
      { temperature: 0, topK: 0, topP: 1 },
    ];
    /** A token drawn from the model's distribution (a seen context), or any token (an unseen one: back-off). */
    const nextToken = (logProbs: Float64Array): number => {
      if (rng.next() < 0.3) return Math.floor(rng.next() * logProbs.length);
      let u = rng.next();
      for (let id = 0; id < logProbs.length; id++) if ((u -= Math.exp(logProbs[id]!)) < 0) return id;
      return logProbs.length - 1;
    };
    for (let trial = 0; trial < 200; trial++) {
      const context: number[] = [];
      for (let i = Math.floor(rng.next() * 5); i > 0; i--)
        context.push(nextToken(model.nextTokenLogProbs(context)));
      const logProbs = model.nextTokenLogProbs(context);
      for (const s of settings) {
        expect(outcome(() => decodeDistribution(logProbs, s))).toEqual(
          outcome(() => plainDecode(logProbs, s)),
        );
      }
    }
  });

  it("[D2] sortedDistribution: random probabilities with ties, zeros, NaN and +Infinity, arrays or typed arrays", () => {
    const rng = createRng(13);
    for (let trial = 0; trial < 500; trial++) {
      const size = Math.floor(rng.next() ** 2 * 1500);
      const levels = Array.from({ length: 1 + Math.floor(rng.next() * 5) }, () => rng.next() / 100);
      const probs = Array.from({ length: size }, () => {
        const u = rng.next();
        if (u < 0.1) return 0;
        if (u < 0.12) return [NaN, Infinity, -0, -1][Math.floor(rng.next() * 4)]!;
        return u < 0.8 ? levels[Math.floor(rng.next() * levels.length)]! : rng.next() / 100;
      });
      const input = rng.next() < 0.5 ? probs : Float64Array.from(probs);
      expect(outcome(() => sortedDistribution(input))).toEqual(outcome(() => comparatorSorted(input)));
    }
  });
});
