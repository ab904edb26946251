import { describe, expect, it } from "vitest";
import { cumulative, Decoder } from "./decoder.ts";
import { nextTokenDistribution } from "./decoding.ts";
import { createRng } from "./prng.ts";
import { createToyModel } from "./toy.ts";
import type { DecodingSettings, LanguageModel, TokenId } from "./types.ts";

const SETTINGS: DecodingSettings[] = [
  { temperature: 1, topK: 0, topP: 1 },
  { temperature: 0, topK: 0, topP: 1 },
  { temperature: 0.7, topK: 3, topP: 0.9 },
  { temperature: 2, topK: 0, topP: 0.5 },
];

/** The toy model, counting calls to nextTokenLogProbs. */
function countingToy(): { model: LanguageModel; calls: () => number } {
  const toy = createToyModel();
  let calls = 0;
  const model: LanguageModel = {
    ...toy,
    nextTokenLogProbs: (context: readonly TokenId[]) => {
      calls++;
      return toy.nextTokenLogProbs(context);
    },
    contextKey: (context: readonly TokenId[]) => toy.contextKey(context),
  };
  return { model, calls: () => calls };
}

describe("Decoder", () => {
  it("[DC1] gives exactly nextTokenDistribution, and its CDF, for every context", () => {
    const model = createToyModel();
    for (const settings of SETTINGS) {
      const decoder = new Decoder(model, settings);
      for (const context of [[], [0], [1], [2], [3], [4], [4, 3], [4, 3, 0, 4]]) {
        for (let repeat = 0; repeat < 2; repeat++) {
          const expected = nextTokenDistribution(model, context, settings);
          expect(decoder.distribution(context)).toEqual(expected);
          let s = 0;
          const cdf = Array.from(expected.probs, (p) => (s += p));
          expect(Array.from(decoder.cdf(context))).toEqual(cdf);
          expect(cdf[cdf.length - 1]).toBeCloseTo(1, 14);
        }
      }
    }
  });

  it("[DC1] memoises by contextKey: one model call per distinct key", () => {
    const { model, calls } = countingToy();
    const decoder = new Decoder(model, SETTINGS[0]!);
    for (let i = 0; i < 100; i++) decoder.step([4, 3]);
    decoder.step([1, 3]); // same key "3"
    expect(calls()).toBe(1);
    decoder.step([]);
    expect(calls()).toBe(2);
  });

  it("[DC1] the LRU holds at most maxCachedTokens ids and evicts the least recently used", () => {
    const { model, calls } = countingToy();
    const decoder = new Decoder(model, SETTINGS[0]!, { maxCachedTokens: 10 }); // two 5-token entries
    decoder.step([0]); // a
    decoder.step([1]); // b
    decoder.step([0]); // a is now the most recent
    decoder.step([2]); // c evicts b
    expect(decoder.cacheSize).toEqual({ entries: 2, tokens: 10 });
    expect(calls()).toBe(3);
    decoder.step([0]);
    decoder.step([2]);
    expect(calls()).toBe(3); // a and c cached
    decoder.step([1]);
    expect(calls()).toBe(4); // b was evicted
    expect(decoder.cacheSize.tokens).toBeLessThanOrEqual(10);
  });

  it("[DC1] maxCachedTokens = 0 caches nothing and stays correct", () => {
    const { model, calls } = countingToy();
    const decoder = new Decoder(model, SETTINGS[2]!, { maxCachedTokens: 0 });
    for (let i = 0; i < 3; i++) {
      expect(decoder.distribution([4])).toEqual(nextTokenDistribution(createToyModel(), [4], SETTINGS[2]!));
    }
    expect(calls()).toBe(3);
    expect(decoder.cacheSize).toEqual({ entries: 0, tokens: 0 });
  });

  it("[DC1] copies the settings and rejects invalid ones", () => {
    const settings = { temperature: 1, topK: 0, topP: 1 };
    const decoder = new Decoder(createToyModel(), settings);
    settings.temperature = 0;
    expect(decoder.distribution([4]).ids.length).toBe(5);
    expect(() => new Decoder(createToyModel(), { temperature: -1, topK: 0, topP: 1 })).toThrow(RangeError);
    expect(() => new Decoder(createToyModel(), SETTINGS[0]!, { maxCachedTokens: -1 })).toThrow(RangeError);
  });

  it("[DC1] a cached step reuses the decoded step without asking the model again", () => {
    // speed itself is measured by `pnpm bench`, never in a timed unit test
    const toy = createToyModel();
    let calls = 0;
    const counting = {
      ...toy,
      vocab: toy.vocab,
      tokenizer: toy.tokenizer,
      contextKey: (c: readonly number[]) => toy.contextKey(c),
      nextTokenLogProbs: (c: readonly number[]) => (calls++, toy.nextTokenLogProbs(c)),
    };
    const decoder = new Decoder(counting, SETTINGS[0]!);
    const contexts = [[4], [4, 3], [4, 3, 0]];
    const first = contexts.map((c) => decoder.step(c));
    for (let i = 0; i < 3_000; i++) expect(decoder.step(contexts[i % 3]!)).toBe(first[i % 3]);
    expect(calls).toBe(3);
  });

  it("[DC1] keeps its arrays within 13 bytes per id of maxCachedTokens, recomputing dropped CDFs identically", () => {
    for (const max of [10, 23, 37, 1000]) {
      const { model, calls } = countingToy();
      const decoder = new Decoder(model, SETTINGS[0]!, { maxCachedTokens: max });
      const reference = createToyModel();
      const rng = createRng(max);
      const seen = new Map<string, Float64Array>(); // a cached distribution's probs array, while it stays cached
      for (let i = 0; i < 500; i++) {
        const context = [Math.floor(rng.next() * 6) - 1].filter((id) => id >= 0); // [] or one of the 5 ids
        const before = calls();
        const step = decoder.step(context);
        expect(step.dist).toEqual(nextTokenDistribution(reference, context, SETTINGS[0]!));
        expect(step.cdf).toEqual(cumulative(step.dist.probs));
        const key = reference.contextKey(context);
        if (calls() === before) expect(step.dist.probs).toBe(seen.get(key)); // a hit: the cached arrays
        seen.set(key, step.dist.probs);
        expect(decoder.cacheSize.tokens).toBeLessThanOrEqual(max);
        expect(decoder.cacheBytes).toBeLessThanOrEqual(13 * max);
      }
    }
  });

  it("[DC1] holds every CDF while the cache is small, and counts its bytes", () => {
    const decoder = new Decoder(createToyModel(), SETTINGS[0]!, { maxCachedTokens: 100 });
    const steps = [[], [0], [1], [2], [3], [4]].map((c) => decoder.step(c));
    expect(decoder.cacheSize).toEqual({ entries: 6, tokens: 30 });
    expect(decoder.cacheBytes).toBe(30 * (4 + 8 + 8)); // ids, probabilities and CDFs
    [[], [0], [1], [2], [3], [4]].forEach((c, i) => expect(decoder.step(c)).toBe(steps[i]));
  });
});
