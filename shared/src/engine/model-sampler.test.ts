import { describe, expect, it } from "vitest";
import shipped from "../../models/tiny-stories.json";
import { parseNgramArtifact } from "./artifact.ts";
import { decodeDistribution, nextTokenDistribution } from "./decoding.ts";
import {
  cutTie,
  distributionsDiffer,
  modelDistribution,
  sequenceTemperatureLogProb,
} from "./model-sampler.ts";
import { ngramModel } from "./ngram.ts";
import { sequenceLogProb } from "./sampling.ts";
import { encodeText, tokenLabel } from "./tokenizer.ts";
import { createToyModel } from "./toy.ts";

const toy = createToyModel();
const stories = ngramModel(parseNgramArtifact(shipped));
const labels = (ids: readonly number[]) => ids.map((id) => tokenLabel(stories, id));

describe("[MS1] the model beside the sampler", () => {
  it("the model's own distribution is T = 1 without a cut, whatever the round's settings", () => {
    const d = modelDistribution(toy, encodeText(toy, "the"));
    expect(Array.from(d.ids)).toEqual([3, 2, 1, 0, 4]); // mouse, cheese, ball, then ate and the tied (lower id first)
    [0.38, 0.33, 0.25, 0.02, 0.02].forEach((p, i) => expect(d.probs[i]).toBeCloseTo(p, 15));
  });

  it("the sampler differs from the model exactly when the settings change a probability or the support", () => {
    const ctx = encodeText(toy, "the");
    const model = modelDistribution(toy, ctx);
    const at = (temperature: number, topK = 0, topP = 1) =>
      distributionsDiffer(nextTokenDistribution(toy, ctx, { temperature, topK, topP }), model);
    expect(at(1)).toBe(false);
    expect(at(1, 5)).toBe(false); // k = the support: nothing cut
    expect(at(1, 0, 1)).toBe(false);
    expect(at(0.5)).toBe(true);
    expect(at(1, 3)).toBe(true);
    expect(at(1, 0, 0.9)).toBe(true);
    expect(at(0)).toBe(true);
  });
});

describe("[CUT1] ties at the cut", () => {
  it("top-k 8 after “did not” cuts between two tokens of equal probability: the lower id survives", () => {
    const lp = stories.nextTokenLogProbs(encodeText(stories, "did not"));
    const tie = cutTie(lp, { temperature: 1, topK: 8, topP: 1 });
    expect(tie).not.toBeNull();
    expect(labels(tie!.kept)).toEqual(["forget"]);
    expect(labels(tie!.dropped)).toEqual(["move"]);
    expect(tie!.modelP).toBeCloseTo(0.01716, 5);
    expect(tie!.kept[0]!).toBeLessThan(tie!.dropped[0]!);
    // the same equal pair at another temperature: equal log-probs stay equal
    expect(cutTie(lp, { temperature: 0.7, topK: 8, topP: 1 })?.dropped).toEqual(tie!.dropped);
  });

  it("no tie when the cut falls between different probabilities, or nothing is cut", () => {
    const lp = stories.nextTokenLogProbs(encodeText(stories, "did not"));
    expect(cutTie(lp, { temperature: 1, topK: 7, topP: 1 })).toBeNull();
    expect(cutTie(lp, { temperature: 1, topK: 0, topP: 1 })).toBeNull();
    expect(
      cutTie(toy.nextTokenLogProbs(encodeText(toy, "the")), { temperature: 1, topK: 2, topP: 1 }),
    ).toBeNull();
  });

  it("the toy row after “the” with top-k 4: “ate” (id 0) kept, “the” (id 4) dropped, both 0.02", () => {
    const tie = cutTie(toy.nextTokenLogProbs(encodeText(toy, "the")), { temperature: 1, topK: 4, topP: 1 });
    expect(tie?.kept).toEqual([0]);
    expect(tie?.dropped).toEqual([4]);
    expect(tie?.modelP).toBeCloseTo(0.02, 15);
  });

  it("greedy decoding over tied maxima is a cut too ([T0]: the lowest id)", () => {
    const lp = Float64Array.from([Math.log(0.4), Math.log(0.2), Math.log(0.4)]);
    const tie = cutTie(lp, { temperature: 0, topK: 0, topP: 1 });
    expect(tie).toEqual({ kept: [0], dropped: [2], modelP: Math.exp(Math.log(0.4)) });
    expect(Array.from(decodeDistribution(lp, { temperature: 0, topK: 0, topP: 1 }).ids)).toEqual([0]);
  });

  it("marks every tied token on both sides, against a naive scan", () => {
    const lp = Float64Array.from([0.1, 0.2, 0.2, 0.2, 0.2, 0.1].map(Math.log));
    const tie = cutTie(lp, { temperature: 1, topK: 2, topP: 1 });
    expect(tie?.kept).toEqual([1, 2]);
    expect(tie?.dropped).toEqual([3, 4]);
    // naive: every token whose probability equals the k-th largest, split by the kept set
    const sorted = [...lp].sort((a, b) => b - a);
    const edge = sorted[1]!;
    const kept = new Set(decodeDistribution(lp, { temperature: 1, topK: 2, topP: 1 }).ids);
    const equal = [...lp.keys()].filter((i) => lp[i] === edge);
    expect(equal.filter((i) => kept.has(i))).toEqual(tie?.kept);
    expect(equal.filter((i) => !kept.has(i))).toEqual(tie?.dropped);
  });
});

describe("[SEQT1] per-step temperature is not a temperature on whole sequences", () => {
  it("toy “the” → “mouse ate” at T = 0.5: 0.4298 by the chain rule, 0.4493 under p(s)^(1/T)/Z", () => {
    const prompt = encodeText(toy, "the");
    const c = encodeText(toy, "mouse ate");
    const settings = { temperature: 0.5, topK: 0, topP: 1 };
    const perStep = Math.exp(sequenceLogProb(toy, prompt, c, settings));
    const whole = Math.exp(sequenceTemperatureLogProb(toy, prompt, c, 0.5));
    expect(perStep).toBeCloseTo(0.4298, 4);
    expect(whole).toBeCloseTo(0.4493, 4);
    // by hand: per step 0.38²/Σp² · 0.7²/Σp² ; whole sequences (0.38·0.7)² / Σ_{a,b} (p_a p_ab)²
    const row = (r: number[]) => r.reduce((s, x) => s + x * x, 0);
    const the = [0.02, 0.25, 0.33, 0.38, 0.02];
    const next = [
      [0.02, 0.08, 0.1, 0.05, 0.75],
      [0.1, 0.05, 0.05, 0.2, 0.6],
      [0.1, 0.05, 0.05, 0.1, 0.7],
      [0.7, 0.05, 0.05, 0.05, 0.15],
      [0.02, 0.25, 0.33, 0.38, 0.02],
    ];
    expect(perStep).toBeCloseTo(((0.38 * 0.38) / row(the)) * ((0.7 * 0.7) / row(next[3]!)), 12);
    const z = the.reduce((s, pa, a) => s + pa * pa * row(next[a]!), 0);
    expect(whole).toBeCloseTo((0.38 * 0.7) ** 2 / z, 12);
  });

  it("agrees with the chain rule at T = 1", () => {
    const prompt = encodeText(toy, "the");
    const c = encodeText(toy, "cheese ate");
    expect(sequenceTemperatureLogProb(toy, prompt, c, 1)).toBeCloseTo(
      sequenceLogProb(toy, prompt, c, { temperature: 1, topK: 0, topP: 1 }),
      12,
    );
  });
});
