import { describe, expect, it } from "vitest";
import {
  averageLoss,
  modelLossBits,
  oneHot,
  type ScoredWord,
  seriesScores,
  skippedLossBits,
  wordCandidates,
  wordLossBits,
} from "./be-model.ts";
import { onVocabOf } from "./be-model-heldout.ts";
import { heldOutLines, planCorpusPassage, planPastedPassage } from "./be-model-passage.ts";
import { ngramModel } from "./ngram.ts";
import { trainNgram, trainWithoutHeldOut } from "./ngram-train.ts";
import { createRng } from "./prng.ts";
import { guessKlBits } from "./scoring.ts";
import { encodeText } from "./tokenizer.ts";
import { createToyModel } from "./toy.ts";

const toyModel = createToyModel();

/** An independent loss: floor each entry at 0.001, renormalise, −ln q / ln 2 (no shared code). */
function naiveLoss(guess: number[], i: number): number {
  let total = 0;
  for (const g of guess) total += g < 0.001 ? 0.001 : g;
  const gi = guess[i]!;
  return -Math.log((gi < 0.001 ? 0.001 : gi) / total) / Math.LN2;
}

describe("be the model", () => {
  it("[BM1] the loss is −log2 q(true word): hand-computed values", () => {
    expect(wordLossBits([0.5, 0.25, 0.125, 0.125], 1)).toBe(2);
    expect(wordLossBits([0.25, 0.25, 0.25, 0.25], 3)).toBe(2);
    // certain and right: the floor still takes 0.003 of the mass, log2 1.003 ≈ 0.00432 bits
    expect(wordLossBits([1, 0, 0, 0], 0)).toBeCloseTo(0.0043216, 7);
    // all mass on a wrong word: q = 0.001 / 1.003, loss = log2 1003 ≈ 9.97
    expect(wordLossBits([1, 0, 0, 0], 2)).toBeCloseTo(Math.log2(1003), 12);
    expect(wordLossBits([1, 0, 0, 0], 2)).toBeCloseTo(9.970106, 5);
  });

  it("[BM1] equals cross-entropy = KL with the one-hot label, and a naive implementation", () => {
    const rng = createRng(7);
    for (let n = 0; n < 200; n++) {
      const k = 2 + Math.floor(rng.next() * 8);
      const raw = Array.from({ length: k }, () => (rng.next() < 0.3 ? 0 : rng.next()));
      raw[0]! += 0.01;
      const sum = raw.reduce((s, x) => s + x, 0);
      const guess = raw.map((x) => x / sum);
      const i = Math.floor(rng.next() * k);
      expect(wordLossBits(guess, i)).toBeCloseTo(naiveLoss(guess, i), 12);
      expect(wordLossBits(guess, i)).toBeCloseTo(guessKlBits(oneHot(k, i), guess), 12);
    }
    expect(oneHot(3, 1)).toEqual([0, 1, 0]);
  });

  it("[BM2] candidates: k + 1 tokens that always include the true one, shuffled", () => {
    const dist = {
      ids: Int32Array.from([3, 1, 0, 4, 2]),
      probs: Float64Array.from([0.4, 0.3, 0.1, 0.1, 0.1]),
    };
    const inTop = wordCandidates(dist, 0, 2, createRng(1));
    expect([...inTop.ids].sort()).toEqual([0, 1, 3]);
    expect(inTop.ids[inTop.trueIndex]).toBe(0);
    const outside = wordCandidates(dist, 2, 2, createRng(1));
    expect([...outside.ids].sort()).toEqual([1, 2, 3]);
    expect(outside.ids[outside.trueIndex]).toBe(2);
    const orders = new Set(
      Array.from({ length: 30 }, (_, s) => wordCandidates(dist, 2, 2, createRng(s)).ids.join()),
    );
    expect(orders.size).toBeGreaterThan(1);
  });

  it("[BM3] the model's loss is −log2 p(true | context) at T = 1 (toy table)", () => {
    const the = encodeText(toyModel, "the");
    expect(modelLossBits(toyModel, the, encodeText(toyModel, "mouse")[0]!)).toBeCloseTo(-Math.log2(0.38), 12);
    expect(modelLossBits(toyModel, [], the[0]!)).toBeCloseTo(-Math.log2(0.7), 12);
  });

  it("[BM4] a skipped word costs the uniform guess: log2 K", () => {
    expect(skippedLossBits(4)).toBe(2);
    expect(skippedLossBits(7)).toBeCloseTo(wordLossBits(Array(7).fill(1 / 7) as number[], 3), 12);
  });

  it("[BM5] averages, perplexities, class and ranking with ties: hand-computed", () => {
    const words: ScoredWord[] = [
      {
        outcomes: 4,
        modelLossBits: 0.5,
        losses: new Map([
          ["A", 1],
          ["C", 1],
        ]),
      },
      {
        outcomes: 4,
        modelLossBits: 1.5,
        losses: new Map([
          ["A", 2],
          ["B", 2],
          ["C", 2],
        ]),
      },
    ];
    const s = seriesScores(words, (a, b) => a.localeCompare(b));
    expect(s.standings.map((x) => [x.participantId, x.rank, x.answered])).toEqual([
      ["A", 1, 2],
      ["C", 1, 2],
      ["B", 3, 1],
    ]);
    expect(s.standings[0]!.averageBits).toBe(1.5);
    expect(s.standings[0]!.perplexity).toBeCloseTo(2 * Math.SQRT2, 12);
    expect(s.standings[2]!.lossesBits).toEqual([2, 2]); // B skipped word 1: log2 4
    expect(s.standings[2]!.perplexity).toBe(4);
    expect(s.classLossesBits[0]).toBeCloseTo(4 / 3, 12);
    expect(s.classLossesBits[1]).toBe(2);
    expect(s.classAverage!.bits).toBeCloseTo(5 / 3, 12);
    expect(s.classAverage!.perplexity).toBeCloseTo(2 ** (5 / 3), 12);
    expect(s.modelAverage).toEqual({ bits: 1, perplexity: 2 });
    expect(averageLoss([1, 2, 3]).perplexity).toBe(4);
    expect(seriesScores([], (a, b) => a.localeCompare(b))).toMatchObject({
      standings: [],
      classAverage: null,
      modelAverage: null,
    });
  });

  it("[BM5] ranking agrees with a naive competition ranking on random series", () => {
    const rng = createRng(11);
    for (let n = 0; n < 50; n++) {
      const ids = ["a", "b", "c", "d", "e"];
      const words: ScoredWord[] = Array.from({ length: 1 + Math.floor(rng.next() * 4) }, () => ({
        outcomes: 6,
        modelLossBits: rng.next() * 5,
        // coarse losses, so that ties happen
        losses: new Map(ids.filter(() => rng.next() < 0.8).map((id) => [id, Math.floor(rng.next() * 4)])),
      }));
      const s = seriesScores(words, (a, b) => a.localeCompare(b));
      for (const st of s.standings) {
        const avg =
          words.reduce((t, w) => t + (w.losses.get(st.participantId) ?? Math.log2(6)), 0) / words.length;
        expect(st.averageBits).toBeCloseTo(avg, 12);
        const better = s.standings.filter((o) => o.averageBits < st.averageBits - 1e-9).length;
        expect(st.rank).toBe(better + 1);
      }
    }
  });

  it("[BM6] passages: held-out lines, the last words of a pasted text, a seeded shipped start", () => {
    const text = Array.from({ length: 25 }, (_, i) =>
      i === 3 ? "" : `the mouse ate the cheese ${"the ".repeat(i % 3)}`,
    ).join("\n");
    const held = heldOutLines(toyModel, text);
    expect(held).toHaveLength(2);
    expect(held[0]).toBe(text.split("\n")[10]); // the 10th non-empty line (one empty line before it)
    const tokens = encodeText(toyModel, "the mouse ate the cheese");
    expect(planPastedPassage(toyModel, tokens, 3)).toEqual({ tokens, start: 2, words: 3 });
    expect(planPastedPassage(toyModel, tokens, 5)).toMatch(/at least 6/);
    const lines = [tokens, encodeText(toyModel, "the mouse ate the cheese the mouse ate the ball the mouse")];
    for (let seed = 0; seed < 20; seed++) {
      const plan = planCorpusPassage(toyModel, lines, 5, createRng(seed))!;
      expect(plan.tokens).toBe(lines[1]); // the only line with 4 + 5 tokens
      expect(plan.start).toBeGreaterThanOrEqual(4);
      expect(plan.start + plan.words).toBeLessThanOrEqual(plan.tokens.length);
    }
    expect(planCorpusPassage(toyModel, [tokens], 5, createRng(1))).toBeNull();
  });
});

describe("be the model on a held-out line ([BM3], [BM6])", () => {
  const lines = Array.from({ length: 20 }, (_, i) =>
    i === 9 ? "the zebra sat on the mat" : `the cat ${i % 2 ? "sat" : "ran"} on the mat`,
  );
  const text = lines.join("\n");
  const opts = { id: "mini", name: "mini", description: "", order: 2 } as const;

  it("trainWithoutHeldOut is trainNgram on the lines without every 10th (no hold-out of its own)", () => {
    const split = trainWithoutHeldOut(text, opts);
    const rest = lines.filter((_, i) => (i + 1) % 10 !== 0).join("\n");
    expect(split).toEqual(trainNgram(rest, { ...opts, heldOutEvery: 0 }));
    expect(split.vocab).not.toContain("zebra");
    expect(trainWithoutHeldOut(text, opts).hash).toBe(split.hash); // deterministic
    expect(() => trainWithoutHeldOut(text, { ...opts, heldOutEvery: 0 })).toThrow(RangeError);
  });

  it("onVocabOf reads the held-out model over the shipped ids; passages avoid words it has not seen", () => {
    const shipped = ngramModel(trainNgram(text, opts));
    const inner = ngramModel(trainWithoutHeldOut(text, opts));
    const view = onVocabOf(inner, shipped);
    const ctx = encodeText(shipped, "the zebra sat on the");
    const lp = view.nextTokenLogProbs(ctx);
    const own = inner.nextTokenLogProbs(encodeText(inner, "the zebra sat on the"));
    expect(lp).toHaveLength(shipped.vocab.length);
    shipped.vocab.forEach((token, id) => {
      const i = inner.vocab.indexOf(token);
      expect(lp[id]).toBe(i < 0 ? -Infinity : own[i]);
    });
    const zebra = shipped.vocab.indexOf("zebra");
    expect(view.has(zebra)).toBe(false);
    expect(modelLossBits(view, ctx, shipped.vocab.indexOf("mat"))).toBeCloseTo(
      -Math.log2(Math.exp(own[inner.vocab.indexOf("mat")]!)),
      12,
    );
    expect(view.hash).not.toBe(shipped.hash);
    expect(() => onVocabOf(shipped, inner)).toThrow(RangeError);
    const line = encodeText(shipped, "the cat sat on the zebra mat");
    expect(planCorpusPassage(shipped, [line], 2, createRng(1))).not.toBeNull();
    expect(planCorpusPassage(view, [line], 2, createRng(1))).toBeNull(); // "zebra" is a predicted word
  });
});
