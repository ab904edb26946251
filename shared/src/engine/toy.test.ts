import { describe, expect, it } from "vitest";
import { nextTokenDistribution } from "./decoding.ts";
import { sequenceLogProb } from "./sampling.ts";
import { wordTokenizer } from "./tokenizer.ts";
import { createBigramTableModel, createToyModel } from "./toy.ts";
import type { LanguageModel, TokenId } from "./types.ts";

const T1 = { temperature: 1, topK: 0, topP: 1 };
const ids = (model: LanguageModel, text: string): TokenId[] =>
  model.tokenizer.tokenize(text).map((w) => model.vocab.indexOf(w));
const probability = (model: LanguageModel, text: string) =>
  Math.exp(sequenceLogProb(model, [], ids(model, text), T1));

describe("toy model", () => {
  it("[TOY1] is the lecture's model: id, hash, vocabulary, no EOS or UNK, word tokenizer", () => {
    const toy = createToyModel();
    expect(toy.id).toBe("toy");
    expect(toy.hash).toBe("builtin-toy-v1");
    expect(toy.vocab).toEqual(["ate", "ball", "cheese", "mouse", "the"]);
    expect(toy.eosId).toBeUndefined();
    expect(toy.unkId).toBeUndefined();
    expect(toy.tokenizer.kind).toBe("word");
    expect(toy.tokenizer.tokenize("The  Mouse\nATE")).toEqual(["the", "mouse", "ate"]);
  });

  it("[TOY1] every entry is > 0 and every row sums to exactly 1 in decimal (hundredths)", () => {
    const toy = createToyModel();
    for (const context of [[], [0], [1], [2], [3], [4]]) {
      const hundredths = Array.from(toy.nextTokenLogProbs(context), (lp) => Math.exp(lp) * 100);
      for (const h of hundredths) {
        expect(h).toBeGreaterThan(0);
        expect(h).toBeCloseTo(Math.round(h), 10);
      }
      expect(hundredths.reduce((a, h) => a + Math.round(h), 0)).toBe(100);
    }
  });

  it("[TOY1] p(the mouse ate the cheese) > p(the cheese ate the mouse) > p(mouse the the cheese ate)", () => {
    const toy = createToyModel();
    const good = probability(toy, "the mouse ate the cheese");
    const swapped = probability(toy, "the cheese ate the mouse");
    const garbled = probability(toy, "mouse the the cheese ate");
    expect(good).toBeCloseTo(0.7 * 0.38 * 0.7 * 0.75 * 0.33, 14); // 0.0460845
    expect(swapped).toBeCloseTo(0.7 * 0.33 * 0.1 * 0.75 * 0.38, 14); // 0.0065835
    expect(garbled).toBeCloseTo(0.1 * 0.15 * 0.02 * 0.33 * 0.1, 14); // 0.0000099
    expect(good).toBeGreaterThan(swapped);
    expect(swapped).toBeGreaterThan(garbled);
  });

  it("[TOY1] after 'the mouse' the argmax is 'ate', by a clear margin", () => {
    const toy = createToyModel();
    const d = nextTokenDistribution(toy, ids(toy, "the mouse"), T1);
    expect(toy.vocab[d.ids[0]!]).toBe("ate");
    expect(d.probs[0]! - d.probs[1]!).toBeGreaterThan(0.5);
    const greedy = nextTokenDistribution(toy, ids(toy, "the mouse"), { temperature: 0, topK: 0, topP: 1 });
    expect(Array.from(greedy.ids)).toEqual([0]);
  });

  it("[BG1] contextKey is the last token ('^' at the start); equal keys give equal log-probs", () => {
    const toy = createToyModel();
    expect(toy.contextKey([])).toBe("^");
    expect(toy.contextKey([4, 3])).toBe("3");
    expect(toy.nextTokenLogProbs([0, 4, 3])).toEqual(toy.nextTokenLogProbs([3]));
    expect(() => toy.nextTokenLogProbs([7])).toThrow(RangeError);
    const row = toy.nextTokenLogProbs([]);
    row[0] = 0; // callers get a copy
    expect(toy.nextTokenLogProbs([])[0]).toBeCloseTo(Math.log(0.05), 15);
  });

  it("[BG1] rejects tables that are not distributions over the vocabulary", () => {
    const base = { id: "t", hash: "h", vocab: ["a", "b"], tokenizer: wordTokenizer };
    const good = {
      ...base,
      start: [0.5, 0.5],
      rows: [
        [1, 0],
        [0.3, 0.7],
      ],
    };
    expect(() => createBigramTableModel(good)).not.toThrow();
    expect(() => createBigramTableModel({ ...good, start: [0.5, 0.6] })).toThrow(RangeError);
    expect(() => createBigramTableModel({ ...good, start: [1] })).toThrow(RangeError);
    expect(() => createBigramTableModel({ ...good, rows: [[1, 0]] })).toThrow(RangeError);
    expect(() =>
      createBigramTableModel({
        ...good,
        rows: [
          [1.5, -0.5],
          [0.3, 0.7],
        ],
      }),
    ).toThrow(RangeError);
    expect(createBigramTableModel(good).nextTokenLogProbs([0])[1]).toBe(-Infinity);
  });
});
