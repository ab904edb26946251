import { describe, expect, it } from "vitest";
import { Decoder } from "./decoder.ts";
import { nextTokenDistribution, probabilityOf } from "./decoding.ts";
import { empiricalKlBits, expectedEmpiricalKlBits } from "./info.ts";
import { createRng } from "./prng.ts";
import {
  checkCompletion,
  generate,
  sampleIndex,
  sampleToken,
  sequenceLogProb,
  verifySample,
} from "./sampling.ts";
import { wordTokenizer } from "./tokenizer.ts";
import { createBigramTableModel, createToyModel } from "./toy.ts";
import type { DecodingSettings, LanguageModel, Rng, TokenDistribution, TokenId } from "./types.ts";

const T1: DecodingSettings = { temperature: 1, topK: 0, topP: 1 };
const SETTINGS: DecodingSettings[] = [
  T1,
  { temperature: 0, topK: 0, topP: 1 },
  { temperature: 0.6, topK: 0, topP: 1 },
  { temperature: 1.3, topK: 3, topP: 1 },
  { temperature: 1, topK: 0, topP: 0.6 },
  { temperature: 0.9, topK: 4, topP: 0.8 },
];
const [THE, MOUSE, ATE, CHEESE] = [4, 3, 0, 2];

/** a, b, </s>: a model with EOS. */
function eosModel(): LanguageModel {
  return createBigramTableModel({
    id: "eos-fixture",
    hash: "test",
    vocab: ["a", "b", "</s>"],
    tokenizer: wordTokenizer,
    start: [0.5, 0.3, 0.2],
    rows: [
      [0.2, 0.3, 0.5],
      [0.6, 0.1, 0.3],
      [0.4, 0.4, 0.2],
    ],
    eosId: 2,
  });
}

/** An Rng that returns the given numbers in order and counts the draws. */
function scripted(us: number[]): Rng & { draws: () => number } {
  let i = 0;
  return {
    next: () => {
      const u = us[i++];
      if (u === undefined) throw new Error("script exhausted");
      return u;
    },
    draws: () => i,
  };
}

/** Every sequence generate could return: length maxTokens, or shorter and ending in EOS. */
function allCompletions(model: LanguageModel, maxTokens: number): TokenId[][] {
  const out: TokenId[][] = [];
  const extend = (prefix: TokenId[]): void => {
    for (let id = 0; id < model.vocab.length; id++) {
      const next = [...prefix, id];
      if (id === model.eosId || next.length === maxTokens) out.push(next);
      else extend(next);
    }
  };
  extend([]);
  return out;
}

/** Samples n completions and returns their counts keyed by the joined ids. */
function sampleCounts(
  model: LanguageModel,
  prompt: TokenId[],
  s: DecodingSettings,
  maxTokens: number,
  n: number,
) {
  const decoder = new Decoder(model, s);
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = generate(model, prompt, s, createRng(2024, i), maxTokens, decoder).tokens.join(",");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe("sampling", () => {
  it("[S1] sampleToken inverts the CDF: token i iff cdf_(i-1) <= u < cdf_i", () => {
    const dist: TokenDistribution = {
      ids: Int32Array.from([3, 2, 1]),
      probs: Float64Array.from([0.5, 0.3, 0.2]),
    };
    const cdf = Float64Array.from([0.5, 0.8, 1]);
    const cases: [number, TokenId][] = [
      [0, 3],
      [0.4999, 3],
      [0.5, 2],
      [0.7999, 2],
      [0.8, 1],
      [0.99999, 1],
    ];
    for (const [u, id] of cases) expect(sampleToken(dist, cdf, u)).toBe(id);
    const short = Float64Array.from([0.5, 0.8, 0.9999999999999998]); // rounding left a gap below 1
    expect(sampleToken(dist, short, 1 - 2 ** -53)).toBe(1);
    for (const bad of [-0.1, 1, Number.NaN]) expect(() => sampleIndex(cdf, bad)).toThrow(RangeError);
    expect(() => sampleIndex(new Float64Array(0), 0.5)).toThrow(RangeError);
  });

  it("[S1] binary search agrees with a naive linear scan", () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rng.next() * 20);
      let s = 0;
      const cdf = Float64Array.from({ length: n }, () => (s += rng.next() < 0.2 ? 0 : rng.next()));
      for (let i = 0; i < n; i++) cdf[i] = cdf[i]! / s;
      for (let j = 0; j < 50; j++) {
        const u = rng.next();
        let naive = cdf.findIndex((c) => u < c);
        if (naive === -1) naive = n - 1;
        expect(sampleIndex(cdf, u)).toBe(naive);
      }
    }
  });

  it("[G1] each step draws one u and takes the inverse-CDF token (hand-computed)", () => {
    const toy = createToyModel();
    // After "the": mouse .38, cheese .33, ... u = 0.1 -> mouse. After "mouse": ate .70, the .15 ... u = 0.8 -> the.
    const rng = scripted([0.1, 0.8]);
    const g = generate(toy, [THE], T1, rng, 2);
    expect(g.tokens).toEqual([MOUSE, THE]);
    g.probs.forEach((p, i) => expect(p).toBeCloseTo([0.38, 0.15][i]!, 15));
    expect(rng.draws()).toBe(2);
    expect(generate(toy, [THE], T1, scripted([]), 0)).toEqual({ tokens: [], probs: [] });
  });

  it("[G1] stops right after EOS (included) or at maxTokens", () => {
    const model = eosModel();
    const first = scripted([0.9]); // start: a .5, b .3, </s> .2
    expect(generate(model, [], T1, first, 5)).toMatchObject({ tokens: [2] });
    expect(first.draws()).toBe(1);
    const second = scripted([0.6, 0.65]); // b; after b: a .6, </s> .3, b .1 -> </s>
    const g = generate(model, [], T1, second, 5);
    expect(g.tokens).toEqual([1, 2]);
    g.probs.forEach((p, i) => expect(p).toBeCloseTo([0.3, 0.3][i]!, 15));
    expect(generate(model, [], T1, scripted([0, 0]), 3).tokens).toEqual([0, 2]); // after a: </s> .5 first
    expect(generate(model, [], T1, scripted([0.6, 0, 0.6]), 3).tokens).toEqual([1, 0, 1]); // maxTokens, no EOS
    expect(generate(createToyModel(), [], T1, createRng(1), 7).tokens).toHaveLength(7);
  });

  it("[G1] is reproducible from (seed, stream), with or without a shared decoder", () => {
    const toy = createToyModel();
    for (const s of SETTINGS) {
      const decoder = new Decoder(toy, s);
      for (let i = 0; i < 20; i++) {
        const a = generate(toy, [THE], s, createRng(9, i), 6);
        expect(generate(toy, [THE], s, createRng(9, i), 6, decoder)).toEqual(a);
        a.tokens.forEach((t, j) => {
          const context = [THE, ...a.tokens.slice(0, j)];
          expect(a.probs[j]).toBe(probabilityOf(nextTokenDistribution(toy, context, s), t));
        });
      }
    }
    expect(() => generate(toy, [], SETTINGS[1]!, createRng(1), 2, new Decoder(toy, T1))).toThrow();
    expect(() => generate(toy, [], T1, createRng(1), 1.5)).toThrow(RangeError);
  });

  it("[G1] empirical frequencies of whole completions match the chain-rule theory (fixed seed)", () => {
    const n = 20_000;
    for (const [model, maxTokens] of [
      [createToyModel(), 3],
      [eosModel(), 4],
    ] as const) {
      for (const s of SETTINGS) {
        const theory = new Map<string, number>();
        for (const c of allCompletions(model, maxTokens)) {
          const p = Math.exp(sequenceLogProb(model, [], c, s));
          if (p > 0) theory.set(c.join(","), p);
        }
        expect([...theory.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        const counts = sampleCounts(model, [], s, maxTokens, n);
        const kl = empiricalKlBits(counts, (key) => theory.get(key) ?? 0);
        const k = theory.size;
        const sd = Math.sqrt(2 * (k - 1)) / (2 * n * Math.LN2); // KL·2n·ln2 ≈ χ²(k−1)
        expect(kl).toBeLessThanOrEqual(expectedEmpiricalKlBits(k, n) + 5 * sd);
      }
    }
  });

  it("[G1] [EMP1] 100,000 one-token samples after 'the' converge: KL < 0.001 bits", () => {
    const toy = createToyModel();
    const prompt = toy.tokenizer.tokenize("the").map((w) => toy.vocab.indexOf(w));
    expect(prompt).toEqual([THE]);
    const decoder = new Decoder(toy, T1);
    const rng = createRng(324);
    const counts = new Map<TokenId, number>();
    for (let i = 0; i < 100_000; i++) {
      const [token] = generate(toy, prompt, T1, rng, 1, decoder).tokens;
      counts.set(token!, (counts.get(token!) ?? 0) + 1);
    }
    const theory = nextTokenDistribution(toy, prompt, T1);
    const kl = empiricalKlBits(counts, (id) => probabilityOf(theory, id));
    expect(kl).toBeLessThan(0.001);
    expect(kl).toBeLessThan(10 * expectedEmpiricalKlBits(5, 100_000)); // ≈ 2.9e-5 expected
  });

  it("[CR1] log P(completion) is the sum of step log-probs (hand-computed, toy model)", () => {
    const toy = createToyModel();
    const lp = (words: string, s = T1) =>
      sequenceLogProb(
        toy,
        [],
        words.split(" ").map((w) => toy.vocab.indexOf(w)),
        s,
      );
    expect(lp("the mouse ate the cheese")).toBeCloseTo(Math.log(0.7 * 0.38 * 0.7 * 0.75 * 0.33), 12);
    expect(lp("the cheese ate the mouse")).toBeCloseTo(Math.log(0.7 * 0.33 * 0.1 * 0.75 * 0.38), 12);
    const k2: DecodingSettings = { temperature: 1, topK: 2, topP: 1 };
    // top-2 rows: ^ {the .7, cheese .1}; the {mouse .38, cheese .33}; mouse {ate .7, the .15}; ate {the .75, cheese .1}
    const expected = (0.7 / 0.8) * (0.38 / 0.71) * (0.7 / 0.85) * (0.75 / 0.85) * (0.33 / 0.71);
    expect(lp("the mouse ate the cheese", k2)).toBeCloseTo(Math.log(expected), 12);
    expect(lp("mouse the the cheese ate", k2)).toBe(-Infinity); // mouse is not in the start row's top 2
    expect(sequenceLogProb(toy, [THE], [], T1)).toBe(0);
    expect(sequenceLogProb(toy, [THE], [99], T1)).toBe(-Infinity);
  });

  it("[CR1] agrees with a naive product and sums to 1 over all completions", () => {
    const toy = createToyModel();
    for (const s of SETTINGS) {
      let total = 0;
      for (const c of allCompletions(toy, 3)) {
        let naive = 1;
        c.forEach(
          (t, i) => (naive *= probabilityOf(nextTokenDistribution(toy, [MOUSE, ...c.slice(0, i)], s), t)),
        );
        const got = sequenceLogProb(toy, [MOUSE], c, s);
        if (naive === 0) expect(got).toBe(-Infinity);
        else expect(got).toBeCloseTo(Math.log(naive), 12);
        total += Math.exp(got);
      }
      expect(total).toBeCloseTo(1, 12);
    }
  });

  it("[CR1] a token after EOS makes the sequence impossible", () => {
    const model = eosModel();
    expect(sequenceLogProb(model, [], [0, 2], T1)).toBeCloseTo(Math.log(0.5 * 0.5), 15);
    expect(sequenceLogProb(model, [], [0, 2, 0], T1)).toBe(-Infinity);
  });

  it("[V1] accepts every generated completion, with the chain-rule log-prob", () => {
    for (const model of [createToyModel(), eosModel()]) {
      for (const s of SETTINGS) {
        const decoder = new Decoder(model, s);
        for (let i = 0; i < 100; i++) {
          const g = generate(model, [0], s, createRng(5, i), 4, decoder);
          const check = checkCompletion(model, [0], g.tokens, s, 4, decoder);
          const logProb = g.probs.reduce((a, p) => a + Math.log(p), 0);
          expect(check).toEqual({ ok: true, logProb: expect.closeTo(logProb, 12) as number });
          expect(checkCompletion(model, [0], g.tokens, s, 4)).toEqual(check);
        }
      }
    }
  });

  it("[V1] rejects what generate could not have produced", () => {
    const toy = createToyModel();
    const eos = eosModel();
    const k1: DecodingSettings = { temperature: 1, topK: 1, topP: 1 };
    const rejects: [LanguageModel, unknown, DecodingSettings, number, RegExp][] = [
      [toy, [], T1, 3, /empty/],
      [toy, [4, 3, 0, 4], T1, 3, /more than maxTokens/],
      [toy, [4, 3], T1, 3, /without EOS/],
      [eos, [0, 1], T1, 3, /without EOS/],
      [eos, [2, 0], T1, 3, /follows EOS/],
      [toy, [4, 5, 0], T1, 3, /not a vocabulary id/],
      [toy, [4, -1, 0], T1, 3, /not a vocabulary id/],
      [toy, [4, 1.5, 0], T1, 3, /not a vocabulary id/],
      [toy, [4, Number.NaN, 0], T1, 3, /not a vocabulary id/],
      [toy, [4, "3", 0], T1, 3, /not a vocabulary id/],
      [toy, [4, null, 0], T1, 3, /not a vocabulary id/],
      [toy, [4, , 0], T1, 3, /not a vocabulary id/], // eslint-disable-line no-sparse-arrays
      [toy, "4 3 0", T1, 3, /array/],
      [toy, null, T1, 3, /array/],
      [toy, { length: 1, 0: 4 }, T1, 3, /array/],
      [toy, [4, 2, 0], k1, 3, /probability 0/], // after "the", top-1 keeps only "mouse"
      [toy, [4], { temperature: -1, topK: 0, topP: 1 }, 1, /invalid settings/],
      [toy, [4], T1, 0, /maxTokens/],
      [toy, [4], T1, Number.NaN, /maxTokens/],
    ];
    for (const [model, completion, s, maxTokens, reason] of rejects) {
      const check = checkCompletion(model, [THE], completion as TokenId[], s, maxTokens);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toMatch(reason);
    }
    expect(checkCompletion(eos, [], [0, 2], T1, 3)).toMatchObject({ ok: true });
    expect(checkCompletion(toy, [THE], [MOUSE, ATE, THE, CHEESE], T1, 4)).toMatchObject({ ok: true });
  });

  it("[V2] accepts exactly generate's sample, with the log-prob summed over its probs bit for bit", () => {
    for (const model of [createToyModel(), eosModel()]) {
      for (const s of SETTINGS) {
        const decoder = new Decoder(model, s);
        for (let i = 0; i < 100; i++) {
          const g = generate(model, [0], s, createRng(5, i), 4, decoder);
          const logProb = g.probs.reduce((a, p) => a + Math.log(p), 0);
          expect(verifySample(model, [0], g.tokens, s, createRng(5, i), 4, decoder)).toEqual({
            ok: true,
            logProb,
          });
          // any other completion of the same seed is refused
          const other = verifySample(model, [0], g.tokens, s, createRng(5, i + 1000), 4, decoder);
          const same = generate(model, [0], s, createRng(5, i + 1000), 4, decoder).tokens.join();
          expect(other.ok).toBe(same === g.tokens.join());
        }
      }
    }
  });

  it("[V2] hand-computed: replays the stream and stops at the first difference", () => {
    const eos = eosModel();
    // start a .5, b .3, </s> .2 (cdf .5 .8 1): u = .6 draws b; after b: a .6, </s> .3, b .1 (cdf .6 .9 1): u = .7 draws </s>
    let rng = scripted([0.6, 0.7]);
    const ok = verifySample(eos, [], [1, 2], T1, rng, 3);
    expect(ok.ok && ok.logProb).toBeCloseTo(2 * Math.log(0.3), 12);
    expect(rng.draws()).toBe(2);
    rng = scripted([0.6, 0.7]);
    expect(verifySample(eos, [], [0, 2], T1, rng, 3)).toMatchObject({ ok: false, kind: "mismatch", step: 0 });
    expect(rng.draws()).toBe(1);
    rng = scripted([0.6, 0.7]);
    expect(verifySample(eos, [], [1, 0, 2], T1, rng, 3)).toMatchObject({
      ok: false,
      kind: "mismatch",
      step: 1,
    });
    expect(rng.draws()).toBe(2);
    // shape problems cost no step
    rng = scripted([]);
    expect(verifySample(eos, [], [2, 0], T1, rng, 3)).toMatchObject({ ok: false, kind: "invalid", step: -1 });
    expect(verifySample(eos, [], [0, 1], T1, rng, 3)).toMatchObject({ ok: false, kind: "invalid", step: -1 });
    expect(rng.draws()).toBe(0);
    // after "the", top-1 keeps only "mouse": "cheese" there is impossible, not merely different
    const toy = createToyModel();
    const k1: DecodingSettings = { temperature: 1, topK: 1, topP: 1 };
    expect(verifySample(toy, [THE], [CHEESE, ATE], k1, scripted([0.5]), 2)).toMatchObject({
      ok: false,
      kind: "invalid",
      step: 0,
      reason: expect.stringMatching(/probability 0/) as string,
    });
  });

  it("[V2] a junk sample costs one model step, an honest one what generating it costs", () => {
    const toy = createToyModel();
    let calls = 0;
    const counted: LanguageModel = Object.create(toy, {
      nextTokenLogProbs: {
        value: (context: readonly TokenId[]) => {
          calls++;
          return toy.nextTokenLogProbs(context);
        },
      },
    }) as LanguageModel;
    const s = SETTINGS[2]!;
    for (let i = 0; i < 20; i++) {
      const g = generate(toy, [THE], s, createRng(8, i), 6);
      calls = 0;
      generate(counted, [THE], s, createRng(8, i), 6);
      const generation = calls;
      calls = 0;
      expect(verifySample(counted, [THE], g.tokens, s, createRng(8, i), 6).ok).toBe(true);
      expect(calls).toBe(generation);
      // the same length, but a first token the seed does not draw
      const junk = g.tokens.map((t, k) => (k === 0 ? (t + 1) % toy.vocab.length : t));
      calls = 0;
      expect(verifySample(counted, [THE], junk, s, createRng(8, i), 6).ok).toBe(false);
      expect(calls).toBe(1);
    }
  });

  it("[V1] never throws on hostile completions, settings or maxTokens (seeded fuzz)", () => {
    const rng = createRng(666);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
    const junk: unknown[] = [
      0,
      1,
      2,
      3,
      4,
      5,
      -1,
      1.5,
      2 ** 31,
      Number.NaN,
      Infinity,
      -0,
      "1",
      null,
      undefined,
      {},
      [1],
      true,
    ];
    const settings: unknown[] = [
      ...SETTINGS,
      { temperature: Number.NaN, topK: 0, topP: 1 },
      { topK: 2 },
      null,
      3,
    ];
    for (const model of [createToyModel(), eosModel()]) {
      for (let trial = 0; trial < 3000; trial++) {
        const completion =
          rng.next() < 0.05
            ? pick(junk)
            : Array.from({ length: Math.floor(rng.next() * 7) }, () => pick(junk));
        const s = pick(settings) as DecodingSettings;
        const maxTokens = pick([1, 3, 5, 0, -2, 2.5, Number.NaN]);
        const check = checkCompletion(model, [0], completion as TokenId[], s, maxTokens);
        if (check.ok) {
          expect(Number.isFinite(check.logProb)).toBe(true);
          expect(check.logProb).toBe(sequenceLogProb(model, [0], completion as TokenId[], s));
        } else {
          expect(check.reason).toMatch(/^[^\n]+$/);
        }
      }
    }
  });
});
